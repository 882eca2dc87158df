// DynamoDB Local puts the region `ddblocal` in every ARN (tables, streams, iterators). Clients see the
// region they called, as on AWS, so ARNs written by hand or by IaC tools work; the stack translates
// back on the way in. Only the local account's ARN prefix is touched, never other item data.
//
// Every DynamoDB request and answer passes through here, most of them (item writes, reads) without
// any ARN, so the search and the rewrite work on the bytes: no decoding and re-encoding of a whole
// body. An ARN prefix is plain ASCII, and no UTF-8 multi-byte sequence contains an ASCII byte, so a
// byte match is exactly a text match.

export const LOCAL_ARN = 'arn:aws:dynamodb:ddblocal:000000000000:';
const LOCAL_ARN_BYTES = Buffer.from(LOCAL_ARN);

export function regionalArns(body: Buffer, region: string): Buffer {
  return replaceAll(body, LOCAL_ARN_BYTES, Buffer.from(`arn:aws:dynamodb:${region}:000000000000:`));
}

export function localArns(body: Buffer, region: string): Buffer {
  return replaceAll(body, Buffer.from(`arn:aws:dynamodb:${region}:000000000000:`), LOCAL_ARN_BYTES);
}

/** `body` with every `from` replaced by `to`; the same Buffer when there is none. */
function replaceAll(body: Buffer, from: Buffer, to: Buffer): Buffer {
  let at = body.indexOf(from);
  if (at === -1) return body;
  const parts: Buffer[] = [];
  let start = 0;
  while (at !== -1) {
    parts.push(body.subarray(start, at), to);
    start = at + from.length;
    at = body.indexOf(from, start);
  }
  parts.push(body.subarray(start));
  return Buffer.concat(parts);
}
