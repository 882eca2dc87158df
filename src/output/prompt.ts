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

