// DynamoDB Local puts the region `ddblocal` in every ARN (tables, streams, iterators). Clients see the
// region they called, as on AWS, so ARNs written by hand or by IaC tools work; the stack translates
// back on the way in. Only the local account's ARN prefix is touched, never other item data.

export const LOCAL_ARN = 'arn:aws:dynamodb:ddblocal:000000000000:';

export function regionalArns(body: Buffer, region: string): Buffer {
  const text = body.toString('utf8');
  return text.includes(LOCAL_ARN) ? Buffer.from(text.split(LOCAL_ARN).join(`arn:aws:dynamodb:${region}:000000000000:`)) : body;
}

export function localArns(body: Buffer, region: string): Buffer {
  const ours = `arn:aws:dynamodb:${region}:000000000000:`;
  const text = body.toString('utf8');
  return text.includes(ours) ? Buffer.from(text.split(ours).join(LOCAL_ARN)) : body;
}
