// Questions on a terminal (only asked when stdin is a TTY and CI is not set; callers check).
import readline from 'node:readline/promises';

export async function confirm(question: string, defaultYes = false): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(`${question}${defaultYes ? ' [Y/n] ' : ' [y/N] '}`)).trim().toLowerCase();
    return answer === '' ? defaultYes : answer === 'y' || answer === 'yes';
  } finally {
    rl.close();
  }
}

export async function ask(question: string, defaultValue: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(`${question} (${defaultValue}): `)).trim();
    return answer === '' ? defaultValue : answer;
  } finally {
    rl.close();
  }
}

/** Asks for the matrix lists that were not given (only in a TTY). */
export async function askMatrix(items: number[] | undefined, batch: number[] | undefined): Promise<{ items: number[]; batch: number[] }> {
  const parse = (s: string, min: number, max: number): number[] | undefined => {
    const parts = s.split(',').map((p) => Number(p.trim()));
    return parts.every((n) => Number.isInteger(n) && n >= min && n <= max) ? parts : undefined;
  };
  let i = items;
  while (!i) i = parse(await ask('Item counts (comma-separated)', '1000,10000'), 1, 10_000_000);
  let b = batch;
  while (!b) b = parse(await ask('Batch sizes (comma-separated, 1-10000)', '1,10'), 1, 10_000);
  return { items: i, batch: b };
}
