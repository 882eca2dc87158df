// The ESM API is part of Lambda's API: it answers errors in Lambda's wire format (status per error
// shape, x-amzn-errortype, `Message` vs `message` as the model names them), from one implementation.
import { LambdaApiError } from '../lambda/errors.ts';

export { LambdaApiError as EsmApiError, errorResponse, invalidParameter } from '../lambda/errors.ts';

export const notFound = () => new LambdaApiError('ResourceNotFoundException', 'The resource you requested does not exist.');
