// `parse` support: glob patterns become regexes whose `*` are capture groups.

/**
 * `"user=*, action=*"` → /user=(.*?), action=(.*)/s: unanchored like AWS's glob search; every `*` but
 * the last is lazy so literal text between stars delimits fields, the last one takes the rest.
 */
export function globToRegex(glob: string): RegExp {
  const parts = glob.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  let body = parts[0]!;
  for (let i = 1; i < parts.length; i++) body += (i === parts.length - 1 ? '(.*)' : '(.*?)') + parts[i];
  return new RegExp(body, 's');
}
