// The one shape of a local service operation: the service instance's context and the decoded input
// in, the output out — a plain object, or undefined for operations AWS answers without output. AWS
// errors are thrown as the service's error class. Decoding requests and encoding outputs and errors
// (JSON 1.1 for Logs, Query/XML for IAM and STS, REST-JSON for Lambda's ESM API) is each service's
// index's job, so an operation never sees HTTP and can be called directly.
export type Operation<Ctx, In, Out extends object | undefined = object | undefined> = (ctx: Ctx, input: In) => Out | Promise<Out>;
