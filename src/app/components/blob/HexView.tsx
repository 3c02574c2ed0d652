import { VirtualRows, type RowTarget } from './VirtualRows.tsx';

/** Bytes per hex dump row. */
export const HEX_ROW_BYTES = 16;

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
const ASCII = Array.from({ length: 256 }, (_, b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.'));

/** A byte to scroll to and mark in the dump. */
export interface ByteTarget {
  offset: number;
  seq: number;
}

function hexOf(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += (i === from ? '' : (i - from) % 8 === 0 ? '  ' : ' ') + HEX[bytes[i]];
  return s;
}

function asciiOf(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += ASCII[bytes[i]];
  return s;
}

/** One row: the marked byte, when there is one, gets its own <mark> in both columns. */
function HexRow({ bytes, row, digits, mark }: { bytes: Uint8Array; row: number; digits: number; mark: number | undefined }) {
  const from = row * HEX_ROW_BYTES;
  const to = Math.min(bytes.length, from + HEX_ROW_BYTES);
  const offset = from.toString(16).padStart(digits, '0');
  if (mark === undefined || mark < from || mark >= to) {
    return (
      <>
        <span className="hx-off">{offset}</span>
        <span className="hx-hex">{hexOf(bytes, from, to)}</span>
        <span className="hx-ascii">{asciiOf(bytes, from, to)}</span>
      </>
    );
  }
  const sep = mark === from ? '' : (mark - from) % 8 === 0 ? '  ' : ' ';
  return (
    <>
      <span className="hx-off">{offset}</span>
      <span className="hx-hex">
        {hexOf(bytes, from, mark)}
        {sep}
        <mark>{HEX[bytes[mark]]}</mark>
        {mark + 1 < to ? ((mark + 1 - from) % 8 === 0 ? '  ' : ' ') : ''}
        {hexOf(bytes, mark + 1, to)}
      </span>
      <span className="hx-ascii">
        {asciiOf(bytes, from, mark)}
        <mark>{ASCII[bytes[mark]]}</mark>
        {asciiOf(bytes, mark + 1, to)}
      </span>
    </>
  );
}

/** A hex dump (offset, 16 bytes in hex, the same bytes as ASCII), virtualized. */
export function HexView({ bytes, totalSize, target }: { bytes: Uint8Array; totalSize: number; target?: ByteTarget | undefined }) {
  const rows = Math.ceil(bytes.length / HEX_ROW_BYTES);
  const digits = Math.max(8, Math.max(0, totalSize - 1).toString(16).length);
  const rowTarget: RowTarget | undefined = target && target.offset < bytes.length ? { row: Math.floor(target.offset / HEX_ROW_BYTES), seq: target.seq } : undefined;
  const mark = rowTarget ? target?.offset : undefined;
  return (
    <VirtualRows
      count={rows}
      rowHeight={20}
      contentWidth={`calc(${digits + 2 + 49 + 3 + 16}ch + 1.5rem)`}
      className="hex-dump"
      testId="hex-dump"
      label="Hex dump"
      unit="Rows"
      target={rowTarget}
      renderRow={(row) => <HexRow bytes={bytes} row={row} digits={digits} mark={mark} />}
    />
  );
}
