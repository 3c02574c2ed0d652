/**
 * Which highlight.js language a file is written in, from its name and (for scripts without an
 * extension) its `#!` line. Only the languages the highlight worker bundles are named here; a
 * name that is not listed is shown as plain text (no guessing by content: auto-detection runs
 * every grammar over the text, too slow for large files and often wrong).
 */

/** The highlight.js grammars the highlight worker can load (each its own lazily loaded chunk). */
export const LANGUAGES = [
  'apache',
  'armasm',
  'asciidoc',
  'awk',
  'bash',
  'c',
  'cmake',
  'cpp',
  'csharp',
  'css',
  'dart',
  'diff',
  'dockerfile',
  'elixir',
  'erlang',
  'go',
  'graphql',
  'groovy',
  'haskell',
  'ini',
  'java',
  'javascript',
  'json',
  'kotlin',
  'latex',
  'less',
  'lua',
  'makefile',
  'markdown',
  'nginx',
  'nix',
  'objectivec',
  'ocaml',
  'perl',
  'php',
  'plaintext',
  'powershell',
  'properties',
  'protobuf',
  'python',
  'r',
  'ruby',
  'rust',
  'scala',
  'scss',
  'shell',
  'sql',
  'swift',
  'tcl',
  'typescript',
  'vim',
  'x86asm',
  'xml',
  'yaml',
] as const;

/** A language the highlight worker knows. */
export type Language = (typeof LANGUAGES)[number];

const BY_EXTENSION: Record<string, Language> = {
  c: 'c',
  h: 'c',
  cc: 'cpp',
  cpp: 'cpp',
  cxx: 'cpp',
  'c++': 'cpp',
  hh: 'cpp',
  hpp: 'cpp',
  hxx: 'cpp',
  ipp: 'cpp',
  inl: 'cpp',
  m: 'objectivec',
  mm: 'objectivec',
  cs: 'csharp',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'typescript',
  json: 'json',
  jsonc: 'json',
  json5: 'json',
  webmanifest: 'json',
  py: 'python',
  pyw: 'python',
  pyi: 'python',
  rs: 'rust',
  go: 'go',
  java: 'java',
  kt: 'kotlin',
  kts: 'kotlin',
  scala: 'scala',
  sc: 'scala',
  groovy: 'groovy',
  gradle: 'groovy',
  swift: 'swift',
  dart: 'dart',
  lua: 'lua',
  r: 'r',
  ex: 'elixir',
  exs: 'elixir',
  erl: 'erlang',
  hrl: 'erlang',
  hs: 'haskell',
  ml: 'ocaml',
  mli: 'ocaml',
  nix: 'nix',
  rb: 'ruby',
  gemspec: 'ruby',
  rake: 'ruby',
  pl: 'perl',
  pm: 'perl',
  perl: 'perl',
  t: 'perl',
  php: 'php',
  sh: 'bash',
  bash: 'bash',
  zsh: 'bash',
  ksh: 'bash',
  ps1: 'powershell',
  psm1: 'powershell',
  tcl: 'tcl',
  tk: 'tcl',
  awk: 'awk',
  vim: 'vim',
  html: 'xml',
  htm: 'xml',
  xhtml: 'xml',
  xml: 'xml',
  svg: 'xml',
  xsl: 'xml',
  xslt: 'xml',
  plist: 'xml',
  vue: 'xml',
  css: 'css',
  scss: 'scss',
  less: 'less',
  md: 'markdown',
  markdown: 'markdown',
  mdown: 'markdown',
  adoc: 'asciidoc',
  asciidoc: 'asciidoc',
  yml: 'yaml',
  yaml: 'yaml',
  toml: 'ini',
  ini: 'ini',
  cfg: 'ini',
  conf: 'ini',
  gitconfig: 'ini',
  editorconfig: 'ini',
  properties: 'properties',
  sql: 'sql',
  graphql: 'graphql',
  gql: 'graphql',
  proto: 'protobuf',
  diff: 'diff',
  patch: 'diff',
  mk: 'makefile',
  mak: 'makefile',
  cmake: 'cmake',
  tex: 'latex',
  sty: 'latex',
  cls: 'latex',
  s: 'x86asm',
  asm: 'x86asm',
};

const BY_NAME: Record<string, Language> = {
  makefile: 'makefile',
  gnumakefile: 'makefile',
  'makefile.am': 'makefile',
  'makefile.in': 'makefile',
  dockerfile: 'dockerfile',
  containerfile: 'dockerfile',
  'cmakelists.txt': 'cmake',
  gemfile: 'ruby',
  rakefile: 'ruby',
  podfile: 'ruby',
  vagrantfile: 'ruby',
  '.bashrc': 'bash',
  '.bash_profile': 'bash',
  '.profile': 'bash',
  '.zshrc': 'bash',
  '.gitconfig': 'ini',
  '.gitmodules': 'ini',
  '.editorconfig': 'ini',
  'nginx.conf': 'nginx',
  '.htaccess': 'apache',
};

const BY_INTERPRETER: Record<string, Language> = {
  sh: 'bash',
  bash: 'bash',
  dash: 'bash',
  zsh: 'bash',
  ksh: 'bash',
  ash: 'bash',
  python: 'python',
  python2: 'python',
  python3: 'python',
  perl: 'perl',
  ruby: 'ruby',
  node: 'javascript',
  deno: 'typescript',
  php: 'php',
  lua: 'lua',
  tclsh: 'tcl',
  wish: 'tcl',
  awk: 'awk',
  gawk: 'awk',
  pwsh: 'powershell',
  make: 'makefile',
};

/** The interpreter a `#!` line names: `#!/bin/sh`, `#!/usr/bin/env python3 -u`, `#!/usr/bin/env -S node --flag`. */
function interpreterOf(firstLine: string): string | undefined {
  const m = /^#!\s*(\S+)(.*)$/.exec(firstLine);
  if (!m) return undefined;
  let program = m[1].slice(m[1].lastIndexOf('/') + 1);
  if (program === 'env') {
    const args = m[2]
      .trim()
      .split(/\s+/)
      .filter((a) => a !== '' && !a.startsWith('-') && !a.includes('='));
    program = args[0] ?? '';
  }
  // python3.11, perl5.36 name the same grammars.
  return program.replace(/[\d.]+$/, '') || undefined;
}

/**
 * The language of the file `name` (its last path component), or undefined for plain text.
 * `firstLine` is the file's first line, read for a `#!` when the name says nothing.
 */
export function languageFor(name: string, firstLine = ''): Language | undefined {
  const lower = name.toLowerCase();
  const byName = BY_NAME[lower];
  if (byName) return byName;
  if (lower.startsWith('dockerfile.') || lower.endsWith('.dockerfile')) return 'dockerfile';
  const dot = lower.lastIndexOf('.');
  if (dot > 0 && dot < lower.length - 1) {
    const byExtension = BY_EXTENSION[lower.slice(dot + 1)];
    if (byExtension) return byExtension;
  }
  const interpreter = interpreterOf(firstLine);
  return interpreter ? BY_INTERPRETER[interpreter] : undefined;
}

/** True for a name the browser renders as Markdown (Rendered / Source). */
export function isMarkdownName(name: string): boolean {
  return /\.(md|markdown|mdown|mkd|mkdn)$/i.test(name);
}
