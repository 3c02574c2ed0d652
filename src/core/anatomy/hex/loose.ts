import type { ByteSource } from '../../bytes/source.ts';
import { looseObjectInfo } from '../../format/loose.ts';
import type { Inflater } from '../../inflate/inflater.ts';
import type { AnnotationSink } from './sink.ts';
import { annotateZlib } from './zlib.ts';

/**
 * Annotates a loose object, `objects/xx/yyyy…`: the whole file is one zlib stream of
 * "<type> <size>\0<content>"; the id is the folder name and the file name together.
 */
export function annotateLoose(sink: AnnotationSink, source: ByteSource, inflater: Inflater): void {
  const parts = source.name.split('/');
  const oid = (parts[parts.length - 2] ?? '') + (parts[parts.length - 1] ?? '');
  let what: string;
  try {
    const info = looseObjectInfo(source, inflater);
    what = `"${info.type} ${info.size}\\0" and the ${info.size} bytes of ${info.type} ${oid}`;
  } catch (err) {
    what = `the object ${oid}, whose header cannot be read: ${err instanceof Error ? err.message : String(err)}`;
  }
  annotateZlib(sink, 0, source.size, source.read(0, Math.min(2, source.size)).slice(), what, oid);
}
