// Narration for the demo: numbered steps on stdout, each with its own time limit, and a
// failure that names the step. No colours unless stdout is a terminal.

const tty = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const paint = (code, text) => (tty ? `\u001b[${code}m${text}\u001b[0m` : text);

/** Bold text (plain when stdout is not a terminal). */
export const bold = (text) => paint('1', text);
/** Dimmed text (plain when stdout is not a terminal). */
export const dim = (text) => paint('2', text);

/** A step that failed or ran out of time; its message names the step. */
export class StepError extends Error {
  constructor(number, title, cause) {
    super(`step ${number} "${title}" failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'StepError';
    this.step = title;
    this.cause = cause;
  }
}

let counter = 0;

/**
 * Runs `fn` as the next numbered step, printing its title first and "done (1.2 s)" after.
 * Rejects with a StepError naming the step when `fn` throws or takes longer than `timeoutMs`.
 */
export async function step(title, fn, { timeoutMs = 30000 } = {}) {
  counter += 1;
  const number = counter;
  process.stdout.write('\n' + bold(`${number}. ${title}`) + '\n');
  const started = Date.now();
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no result within ${timeoutMs < 1000 ? timeoutMs + ' ms' : Math.round(timeoutMs / 1000) + ' s'}`)), timeoutMs);
  });
  try {
    const value = await Promise.race([Promise.resolve().then(fn), limit]);
    say(dim(`done (${((Date.now() - started) / 1000).toFixed(1)} s)`));
    return value;
  } catch (error) {
    throw new StepError(number, title, error);
  } finally {
    clearTimeout(timer);
  }
}

/** One indented line of narration. */
export function say(text = '') {
  process.stdout.write(String(text).split('\n').map((line) => '   ' + line).join('\n') + '\n');
}

/** Renders rows (arrays of strings) as an aligned text table under `headers`. */
export function table(headers, rows) {
  const cells = [headers, ...rows].map((row) => row.map((c) => String(c ?? '')));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row) => row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
