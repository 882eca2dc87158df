// The event record Lambda hands the function, built from a GetRecords record: the stream record's
// fields plus awsRegion and eventSourceARN, in the key order of records captured from real AWS.
//
// DynamoDB Local differs from AWS in three fields; what this stack does about each:
// - eventID: DynamoDB Local sends a UUID; AWS sends 32 lowercase hex characters. We drop the dashes,
//   which gives the AWS format and stays stable across redeliveries (consumers dedupe on it).
// - awsRegion: DynamoDB Local says "ddblocal"; we report the stack's region, the region the function
//   runs in, as AWS does. eventSourceARN stays the mapping's stream ARN exactly as the user gave it.
// - dynamodb.ApproximateCreationDateTime: DynamoDB Local truncates it to the minute (AWS: the second).
//   Passed through unchanged: inventing a finer value would be fiction, and ddbs-test measures latency
//   from its own write and receive times, never from this field. Record-age checks allow for it.

export interface StreamRecord {
  eventID?: string;
  eventName?: string;
  eventVersion?: string;
  eventSource?: string;
  awsRegion?: string;
  dynamodb: {
    ApproximateCreationDateTime?: number;
    Keys?: Record<string, unknown>;
    SequenceNumber: string;
    SizeBytes?: number;
    [k: string]: unknown;
  };
  userIdentity?: unknown;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function toEventRecord(r: StreamRecord, streamArn: string, region: string): Record<string, unknown> {
  const id = r.eventID ?? '';
  const out: Record<string, unknown> = {
    eventID: UUID.test(id) ? id.replace(/-/g, '').toLowerCase() : id,
    eventName: r.eventName,
    eventVersion: r.eventVersion ?? '1.1',
    eventSource: r.eventSource ?? 'aws:dynamodb',
    awsRegion: region,
    dynamodb: r.dynamodb,
  };
  if (r.userIdentity !== undefined) out.userIdentity = r.userIdentity;
  out.eventSourceARN = streamArn;
  return out;
}

/** FNV-1a over the partition-key value: a stable lane choice for ParallelizationFactor. */
export function laneOf(keys: Record<string, unknown> | undefined, hashKey: string | undefined, lanes: number): number {
  if (lanes <= 1) return 0;
  const basis = hashKey && keys?.[hashKey] !== undefined ? keys[hashKey] : Object.entries(keys ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  const text = JSON.stringify(basis);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % lanes;
}
