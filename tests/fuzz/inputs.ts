import { casesByFormat, loadCorpus, type Format, type FuzzCase } from './corpus.ts';
import { Rng, inputSeed, mutate } from './mutate.ts';

/** One input: the case, its files with the target damaged, and how. */
export interface FuzzInput {
  case: FuzzCase;
  files: Map<string, Uint8Array>;
  bytes: Uint8Array;
  /** Picks the inflater and optional passes (see runInput). */
  variant: number;
  steps: string[];
}

/** The corpus, loaded once per thread, with each format's target files as splice donors. */
export class InputMaker {
  readonly byFormat: Map<Format, FuzzCase[]>;
  private readonly donors = new Map<Format, Uint8Array[]>();

  constructor() {
    this.byFormat = casesByFormat(loadCorpus());
    for (const [format, cases] of this.byFormat)
      this.donors.set(
        format,
        cases.map((c) => c.files.get(c.target) as Uint8Array),
      );
  }

  cases(format: Format): FuzzCase[] {
    return this.byFormat.get(format) ?? [];
  }

  caseById(format: Format, id: string): FuzzCase | undefined {
    return this.cases(format).find((c) => c.id === id);
  }

  /** Input `index` of `format` in run `runSeed`: the same three numbers always give the same bytes. */
  make(format: Format, runSeed: number, index: number): FuzzInput | undefined {
    const cases = this.cases(format);
    if (cases.length === 0) return undefined;
    const rng = new Rng(inputSeed(runSeed, format, index));
    const c = rng.pick(cases);
    const target = c.files.get(c.target) as Uint8Array;
    const { bytes, steps } = mutate(rng, { bytes: target, hints: c.hints, text: c.text }, this.donors.get(format) ?? []);
    return { case: c, files: withTarget(c, bytes), bytes, variant: rng.below(6), steps };
  }
}

/** The case's files with the target replaced. */
export function withTarget(c: FuzzCase, bytes: Uint8Array): Map<string, Uint8Array> {
  const files = new Map(c.files);
  files.set(c.target, bytes);
  return files;
}
