/**
 * An AWS error as the service sends it on the wire: the documented code (`InvalidGroup.NotFound`,
 * `TargetGroupNotFound`, `ParameterNotFound`), a message and an HTTP status. The wire layer writes it in
 * the service's protocol; the SDK's own deserializer turns it into whatever exception it really throws.
 */
export class SimulatedAwsError extends Error {
  override readonly name = 'SimulatedAwsError';
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export function awsError(code: string, message: string, status = 400): SimulatedAwsError {
  return new SimulatedAwsError(code, message, status);
}
