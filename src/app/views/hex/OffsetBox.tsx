import { useId, useState } from 'react';
import { formatCount } from '../../lib/format.ts';
import { hex, parseOffset } from './offsets.ts';

/** An offset to go to: `0x…` hex or decimal; Enter or Go jumps, a bad value is explained. */
export function OffsetBox({ size, onGo }: { size: number; onGo: (offset: number) => void }) {
  const [text, setText] = useState('');
  const [message, setMessage] = useState<string | undefined>(undefined);
  const id = useId();
  const go = () => {
    const r = parseOffset(text);
    if ('error' in r) return setMessage(r.error);
    if (r.offset >= size) return setMessage(`${hex(r.offset)} (${formatCount(r.offset)}) is past the end: the file has ${formatCount(size)} bytes, the last at ${hex(Math.max(0, size - 1))}.`);
    setMessage(undefined);
    onGo(r.offset);
  };
  return (
    <form
      className="hx-goto"
      onSubmit={(e) => {
        e.preventDefault();
        go();
      }}
    >
      <label htmlFor={id}>Offset</label>
      <input
        id={id}
        type="text"
        inputMode="text"
        spellCheck={false}
        autoComplete="off"
        placeholder="0x1f3a or 7994"
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-invalid={message !== undefined}
        aria-describedby={message ? `${id}-msg` : undefined}
        data-testid="hex-offset"
      />
      <button type="submit" className="small">
        Go
      </button>
      {message && (
        <span id={`${id}-msg`} className="hx-goto-message warn" role="alert">
          {message}
        </span>
      )}
    </form>
  );
}
