export class PolicyError extends Error {
  override readonly name = 'PolicyError';
}
