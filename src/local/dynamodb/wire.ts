// The raw answers the DynamoDB service passes around, and AWS-shaped error bodies.

import { ServiceCallError } from '../context.ts';
export const JSON_10 = 'application/x-amz-json-1.0';

export interface Raw {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export function jsonRaw(body: unknown, status = 200): Raw {
  return { status, headers: { 'content-type': JSON_10 }, body: Buffer.from(JSON.stringify(body)) };
}

/** An error the way DynamoDB (Local) words it: a namespaced `__type` and a message. */
export function errorRaw(code: string, message: string, status = 400): Raw {
  const ns = code === 'ValidationException' ? 'com.amazon.coral.validate' : code === 'SerializationException' ? 'com.amazon.coral.service' : 'com.amazonaws.dynamodb.v20120810';
  return jsonRaw({ __type: `${ns}#${code}`, message }, status);
}

export function parseRaw(raw: Raw): Record<string, unknown> {
  return raw.body.length ? (JSON.parse(raw.body.toString('utf8')) as Record<string, unknown>) : {};
}

/** Thrown by the in-process backend when DynamoDB answers with an error. */
export class DynamoDbCallError extends ServiceCallError {}

/** The error an error answer stands for (the part of `__type` after '#'). */
export function callError(raw: Raw): DynamoDbCallError {
  const out = parseRaw(raw);
  const type = String(out.__type ?? 'UnknownError');
  return new DynamoDbCallError(type.slice(type.indexOf('#') + 1), String(out.message ?? out.Message ?? ''), raw.status);
}
