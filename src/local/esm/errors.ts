// Lambda-shaped errors for the ESM API. The member casing of the message differs per error shape in
// Lambda's model (`message` vs `Message`), and the SDK reads either, so each code keeps AWS's own.
import { jsonResponse, type StackResponse } from '../http.ts';

const STATUS: Record<string, number> = {
  InvalidParameterValueException: 400,
  InvalidRequestContentException: 400,
  ResourceInUseException: 400,
  ValidationException: 400,
  ResourceNotFoundException: 404,
  ResourceConflictException: 409,
  UnknownOperationException: 404,
};

/** Codes whose body member is capitalised `Message` in the Lambda model. */
const CAPITAL_MESSAGE = new Set(['ResourceNotFoundException', 'ResourceInUseException']);

export class EsmApiError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
    this.name = code;
  }
}

export const invalidParameter = (message: string) => new EsmApiError('InvalidParameterValueException', message);

export const notFound = () => new EsmApiError('ResourceNotFoundException', 'The resource you requested does not exist.');

export function errorResponse(err: EsmApiError): StackResponse {
  const status = STATUS[err.code] ?? 400;
  // ValidationException comes from the request-validation layer and carries no `Type`.
  const body: Record<string, unknown> = err.code === 'ValidationException' ? {} : { Type: 'User' };
  body[CAPITAL_MESSAGE.has(err.code) ? 'Message' : 'message'] = err.message;
  return jsonResponse(status, body, 'application/json', { 'x-amzn-errortype': err.code });
}
