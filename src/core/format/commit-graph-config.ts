/**
 * The repository settings that decide whether and how git reads the commit-graph (git's
 * Documentation/config/core.txt and config/commitgraph.txt, as git 2.39 reads them):
 *
 * | key                               | default | effect                                           |
 * |-----------------------------------|---------|--------------------------------------------------|
 * | core.commitGraph                  | true    | false: the commit-graph is not read at all       |
 * | commitGraph.generationVersion     | 2       | below 2: corrected commit dates (GDA2) not read  |
 * | commitGraph.readChangedPaths      | true    | false: changed-path Bloom filters not read       |
 * | commitGraph.changedPathsVersion   | -1      | 0: filters not read (newer git; takes precedence) |
 *
 * Read from the config file's text with git's syntax for what matters here: `[section]` and
 * `[section "sub"]` headers (subsections are not these keys), case-insensitive section and key
 * names, `#`/`;` comments, quoted values with escapes, a key without `=` meaning true, git's
 * booleans and integers with k/m/g suffixes; the last value wins. Includes are not followed
 * (they name other files), so a setting kept in an included file is not seen.
 */

/** What the config says about reading the commit-graph. */
export interface CommitGraphSettings {
  /** `core.commitGraph`. */
  enabled: boolean;
  /** `commitGraph.generationVersion`. */
  generationVersion: number;
  /** `commitGraph.readChangedPaths` (and `changedPathsVersion` 0 turns it off). */
  readChangedPaths: boolean;
}

export const DEFAULT_COMMIT_GRAPH_SETTINGS: CommitGraphSettings = { enabled: true, generationVersion: 2, readChangedPaths: true };

/** Config files larger than this are read only this far (a hostile config can be huge). */
const MAX_CONFIG_BYTES = 1 << 20;

/** The settings of a config file's bytes (undefined: no config, the defaults). */
export function commitGraphSettings(config: Uint8Array | undefined): CommitGraphSettings {
  const out = { ...DEFAULT_COMMIT_GRAPH_SETTINGS };
  if (config === undefined) return out;
  let changedPathsVersion: number | undefined;
  for (const { section, key, value } of configEntries(config.subarray(0, MAX_CONFIG_BYTES))) {
    if (section === 'core' && key === 'commitgraph') out.enabled = parseBool(value) ?? out.enabled;
    else if (section === 'commitgraph' && key === 'generationversion') out.generationVersion = gitParseInt(value) ?? out.generationVersion;
    else if (section === 'commitgraph' && key === 'readchangedpaths') out.readChangedPaths = parseBool(value) ?? out.readChangedPaths;
    else if (section === 'commitgraph' && key === 'changedpathsversion') changedPathsVersion = gitParseInt(value) ?? changedPathsVersion;
  }
  if (changedPathsVersion !== undefined) out.readChangedPaths = changedPathsVersion !== 0;
  return out;
}

/** One `key = value` line: section and key lower-cased; `value` undefined for a bare key (true). */
interface ConfigEntry {
  section: string;
  key: string;
  value: string | undefined;
}

/** The entries of a config file, in order; lines that do not parse are skipped. */
export function configEntries(bytes: Uint8Array): ConfigEntry[] {
  const text = new TextDecoder('utf-8').decode(bytes);
  const out: ConfigEntry[] = [];
  let section = '';
  let i = 0;
  const n = text.length;
  const skipBlanks = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r')) i++;
  };
  const skipLine = () => {
    while (i < n && text[i] !== '\n') i++;
    i++;
  };
  while (i < n) {
    skipBlanks();
    const c = text[i];
    if (c === undefined) break;
    if (c === '\n') {
      i++;
      continue;
    }
    if (c === '#' || c === ';') {
      skipLine();
      continue;
    }
    if (c === '[') {
      const close = text.indexOf(']', i);
      const eol = text.indexOf('\n', i);
      if (close < 0 || (eol >= 0 && close > eol)) {
        section = '\0'; // a broken header: what follows belongs to no section we read
        skipLine();
        continue;
      }
      const header = text.slice(i + 1, close).trim();
      // `[section "sub"]` and the old `[section.sub]` name subsections: not the keys read here.
      section = /["\s.]/.test(header) ? `\0${header}` : header.toLowerCase();
      i = close + 1;
      continue;
    }
    // A key: letters, digits and '-', starting with a letter.
    const keyStart = i;
    while (i < n && /[A-Za-z0-9-]/.test(text[i])) i++;
    const key = text.slice(keyStart, i).toLowerCase();
    if (key === '' || !/^[a-z]/.test(key)) {
      skipLine();
      continue;
    }
    skipBlanks();
    if (i >= n || text[i] === '\n' || text[i] === '#' || text[i] === ';') {
      out.push({ section, key, value: undefined });
      skipLine();
      continue;
    }
    if (text[i] !== '=') {
      skipLine();
      continue;
    }
    i++;
    const parsed = readValue(text, i);
    i = parsed.end;
    out.push({ section, key, value: parsed.value });
  }
  return out;
}

/** git's parse_value: blanks trimmed outside quotes, `\"`, `\\`, `\n`, `\t`, `\b` escapes, line continuations, comments ended by `#`/`;` outside quotes. */
function readValue(text: string, start: number): { value: string; end: number } {
  let i = start;
  let value = '';
  let quoted = false;
  let pendingSpace = '';
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      i++;
      break;
    }
    if (!quoted && (c === '#' || c === ';')) {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (!quoted && (c === ' ' || c === '\t' || c === '\r')) {
      if (value !== '') pendingSpace += c;
      i++;
      continue;
    }
    value += pendingSpace;
    pendingSpace = '';
    if (c === '"') {
      quoted = !quoted;
      i++;
      continue;
    }
    if (c === '\\') {
      const e = text[i + 1];
      i += 2;
      if (e === '\n') continue;
      if (e === '\r' && text[i] === '\n') {
        i++;
        continue;
      }
      value += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'b' ? '\b' : (e ?? '');
      continue;
    }
    value += c;
    i++;
  }
  return { value, end: i };
}

/** git_parse_maybe_bool: a bare key is true; true/yes/on and false/no/off (any case), or an integer (non-zero is true). */
function parseBool(value: string | undefined): boolean | undefined {
  if (value === undefined) return true;
  const v = value.toLowerCase();
  if (v === 'true' || v === 'yes' || v === 'on') return true;
  if (v === 'false' || v === 'no' || v === 'off' || v === '') return false;
  const n = gitParseInt(value);
  return n === undefined ? undefined : n !== 0;
}

/** git_parse_int: an optional sign, decimal digits, an optional k/m/g suffix. */
function gitParseInt(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*([+-]?\d+)([kKmMgG]?)\s*$/.exec(value);
  if (!m) return undefined;
  const scale = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  const n = Number(m[1]) * scale;
  return Number.isSafeInteger(n) ? n : undefined;
}
