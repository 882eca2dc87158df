// Lambda's error wire format (rest-json): HTTP status per error shape, `x-amzn-errortype` header, and a body
// whose message member is `Message` for some shapes and `message` for others, exactly as the model names them,
// so SDK v3 error.name / error.message match what real AWS produces.
import type { StackResponse } from '../http.ts';

const STATUS: Record<string, number> = {
  InvalidParameterValueException: 400,
  InvalidRequestContentException: 400,
  ResourceInUseException: 400,
  ValidationException: 400,
  ResourceNotFoundException: 404,
  ResourceConflictException: 409,
  PreconditionFailedException: 412,
  RequestEntityTooLargeException: 413,
  UnsupportedMediaTypeException: 415,
  TooManyRequestsException: 429,
  ServiceException: 500,
  UnknownOperationException: 404,
};

/** Shapes whose model member is capital `Message`; every other shape uses lower-case `message`. */
const CAPITAL_MESSAGE = new Set(['ResourceNotFoundException', 'ServiceException', 'ResourceInUseException']);

/** Thrown inside operations; turned into an AWS-shaped response by the dispatcher. */
export class LambdaApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly extra: Record<string, unknown>;

  constructor(code: string, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.name = code;
    this.code = code;
    this.status = STATUS[code] ?? 400;
    this.extra = extra;
  }
}

export function errorResponse(err: LambdaApiError): StackResponse {
  const body: Record<string, unknown> =
    err.code === 'ValidationException'
      ? { message: err.message }
      : { Type: 'User', [CAPITAL_MESSAGE.has(err.code) ? 'Message' : 'message']: err.message, ...err.extra };
  return {
    status: err.status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': err.code },
    body: JSON.stringify(body),
  };
}

export const notFound = (arn: string) => new LambdaApiError('ResourceNotFoundException', `Function not found: ${arn}`);
export const invalidParameter = (message: string) => new LambdaApiError('InvalidParameterValueException', message);
export const validationError = (message: string) => new LambdaApiError('ValidationException', `1 validation error detected: ${message}`);
