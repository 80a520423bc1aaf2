/**
 * Lambda Invoke in the simulated account: each invocation is recorded with its payload; what a
 * function answers (or that its invoke is refused) is up to the test or demo.
 */
import { InvokeCommand, type InvokeCommandInput, LambdaClient } from '@aws-sdk/client-lambda';
import type { SimulatedAccount } from './account';
import { awsError } from './errors';

export interface Invocation {
  readonly functionName: string;
  readonly invocationType: 'Event' | 'RequestResponse' | 'DryRun';
  readonly payload: unknown;
}

/** A function's behaviour: its response (RequestResponse), or a thrown error as its FunctionError. */
export type SimulatedFunction = (payload: unknown) => unknown;

export interface LambdaState {
  readonly invocations: Invocation[];
  /** Deploys a function under this name; without a behaviour it answers null. */
  deploy(functionName: string, behaviour?: SimulatedFunction): void;
  /** The next invoke of this function is refused by Lambda itself, with this wire error code. */
  refuseNext(functionName: string, code: string, message: string, status: number): void;
}

export function installLambda(account: SimulatedAccount): LambdaState {
  const functions = new Map<string, SimulatedFunction>();
  const refusals = new Map<string, Error>();
  const invocations: Invocation[] = [];

  account.handle(LambdaClient, InvokeCommand, (input: InvokeCommandInput) => {
    // A name, a partial ARN or a full ARN, as Lambda accepts them.
    const name =
      (input.FunctionName ?? '').replace(/^arn:aws:lambda:[^:]+:\d{12}:function:/, '').split(':')[0] ?? '';
    const behaviour = functions.get(name);
    if (!behaviour)
      throw awsError(
        'ResourceNotFoundException',
        `Function not found: arn:aws:lambda:${account.region}:${account.accountId}:function:${name}`,
        404,
      );
    const refusal = refusals.get(name);
    if (refusal) {
      refusals.delete(name);
      throw refusal;
    }
    const text =
      typeof input.Payload === 'string'
        ? input.Payload
        : input.Payload instanceof Uint8Array
          ? new TextDecoder().decode(input.Payload)
          : '';
    const payload: unknown = text === '' ? null : JSON.parse(text);
    const invocationType = input.InvocationType ?? 'RequestResponse';
    invocations.push({ functionName: name, invocationType, payload });
    if (invocationType === 'Event') return { StatusCode: 202 };
    try {
      const response = behaviour(payload);
      return {
        StatusCode: 200,
        Payload: new TextEncoder().encode(JSON.stringify(response ?? null)),
        ExecutedVersion: '$LATEST',
      };
    } catch (error) {
      const thrown = error instanceof Error ? error : new Error(String(error));
      return {
        StatusCode: 200,
        FunctionError: 'Unhandled',
        Payload: new TextEncoder().encode(
          JSON.stringify({ errorType: thrown.name, errorMessage: thrown.message }),
        ),
        ExecutedVersion: '$LATEST',
      };
    }
  });

  return {
    invocations,
    deploy(functionName, behaviour = () => null) {
      functions.set(functionName, behaviour);
    },
    refuseNext(functionName, code, message, status) {
      refusals.set(functionName, awsError(code, message, status));
    },
  };
}
