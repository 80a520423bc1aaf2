/**
 * Runs a packaged function the way Lambda's Node.js runtime does: its zip unpacked into a task root,
 * a fresh `node` process with the template's environment (CloudFormation references resolved to the
 * simulated account's values) and so with the deployed NODE_OPTIONS, the handler module imported as
 * ESM and called with the event and a Lambda context. The child writes the outcome as JSON on file
 * descriptor 3; its stdout and stderr are the function's logs.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { unzip } from '../../bench/unzip';
import type { Packaged, Template } from './packaged';

export interface PackagedFunction {
  /** The function's logical id in the template (`RevertSgDriftLambdaFunction`). */
  readonly logicalId: string;
  readonly name: string;
  /** `functions/revert-sg-drift/handler.handler`: module path, then the exported name. */
  readonly handler: string;
  readonly runtime: string;
  readonly timeoutSeconds: number;
  readonly memorySize: number;
  /** The environment as the template declares it: strings or CloudFormation intrinsics. */
  readonly variables: Readonly<Record<string, unknown>>;
  /** The unpacked zip: Lambda's task root (/var/task). */
  readonly taskRoot: string;
}

/** What the template's references stand for in the simulated account (`AWS::AccountId`, `StateTable`…). */
export type References = Readonly<Record<string, string>>;

export interface Invocation {
  /** The handler's return value (JSON round trip), when it returned. */
  readonly result?: unknown;
  /** What Lambda reports when the handler throws. */
  readonly error?: { readonly errorType: string; readonly errorMessage: string };
  /** The function's stdout and stderr: what CloudWatch Logs would hold. */
  readonly logs: string;
  /** What the child measured of itself (the cold start), for the bench. */
  readonly usage: ColdStartUsage;
}

/**
 * A cold start as the child process measured it. Times are from the process's own start
 * (performance.timeOrigin); CPU is user + system time of the whole process, node's own start
 * included, from process.resourceUsage(): the figure machine load changes least.
 */
export interface ColdStartUsage {
  /** When the runtime began importing the handler: node's own start. */
  readonly bootMs: number;
  /** Importing the handler module (the Lambda init phase, less node's start). */
  readonly importMs: number;
  /** The first event, up to the handler's answer (findings published, Slack posted). */
  readonly firstEventMs: number;
  /** User + system CPU time of the whole process up to the answer. */
  readonly cpuMs: number;
}

/** A hang limit only: a child that has not answered by then has hung, however busy the machine. */
export const INVOCATION_HANG_LIMIT_MS = 240_000;

/** Every function in the template, keyed by its name in serverless.yml (`revertSgDrift`). */
export function packagedFunctionNames(packaged: Packaged): string[] {
  return Object.entries(packaged.template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
    .map(([, resource]) => basename(String((resource.Properties.Code as { S3Key: string }).S3Key), '.zip'))
    .sort();
}

/** Unpacks one function's artifact into a fresh task root; `remove()` deletes it. */
export function unpackFunction(packaged: Packaged, key: string): PackagedFunction & { remove(): void } {
  const found = Object.entries(packaged.template.Resources).find(
    ([, resource]) =>
      resource.Type === 'AWS::Lambda::Function' &&
      String((resource.Properties.Code as { S3Key: string }).S3Key).endsWith(`/${key}.zip`),
  );
  if (!found) throw new Error(`the packaged template has no function whose artifact is ${key}.zip`);
  const [logicalId, { Properties: properties }] = found;
  const taskRoot = mkdtempSync(join(tmpdir(), `netwarden-${key}-`));
  unzip(join(packaged.dir, `${key}.zip`), taskRoot);
  return {
    logicalId,
    name: String(properties.FunctionName),
    handler: String(properties.Handler),
    runtime: String(properties.Runtime),
    timeoutSeconds: Number(properties.Timeout),
    memorySize: Number(properties.MemorySize),
    variables:
      (properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {},
    taskRoot,
    remove: () => rmSync(taskRoot, { recursive: true, force: true }),
  };
}

/** The ARN a `Ref` to a topic of the template resolves to (`netwarden-prod-findings`). */
export function topicArn(template: Template, logicalId: string, references: References): string {
  const topic = template.Resources[logicalId];
  if (topic?.Type !== 'AWS::SNS::Topic') throw new Error(`${logicalId} is not a topic of the template`);
  return `arn:aws:sns:${references['AWS::Region']}:${references['AWS::AccountId']}:${String(topic.Properties.TopicName)}`;
}

/**
 * Resolves the intrinsics a function's environment may hold: Ref, Fn::GetAtt, Fn::Sub and Fn::Join.
 * Anything the references do not name fails loudly, naming the variable, so that a new reference in
 * serverless.yml is never silently passed on as "[object Object]".
 */
export function resolveIntrinsic(value: unknown, references: References, variable: string): string {
  const lookup = (name: string): string => {
    const resolved = references[name];
    if (resolved === undefined)
      throw new Error(`${variable}: the test does not say what ${name} resolves to in the simulated account`);
    return resolved;
  };
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const [[intrinsic, argument] = []] = Object.entries(value);
    if (intrinsic === 'Ref') return lookup(String(argument));
    if (intrinsic === 'Fn::GetAtt' && Array.isArray(argument)) return lookup(argument.join('.'));
    if (intrinsic === 'Fn::Sub' && typeof argument === 'string')
      return argument.replace(/\$\{([^}]+)\}/g, (_, name: string) => lookup(name));
    if (intrinsic === 'Fn::Join' && Array.isArray(argument)) {
      const [separator, parts] = argument as [string, unknown[]];
      return parts.map((part) => resolveIntrinsic(part, references, variable)).join(separator);
    }
  }
  throw new Error(`${variable}: cannot resolve ${JSON.stringify(value)}`);
}

/** What Lambda's Node.js runtime does with _HANDLER: import the module as ESM, call the export. */
const RUNTIME = `
import { randomUUID } from 'node:crypto';
import { readFileSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const invocation = JSON.parse(readFileSync(process.argv[1], 'utf8'));
const handler = process.env._HANDLER;
const modulePath = handler.slice(0, handler.lastIndexOf('.'));
const exported = handler.slice(handler.lastIndexOf('.') + 1);
const deadline = Date.now() + invocation.timeoutMs;
const name = process.env.AWS_LAMBDA_FUNCTION_NAME;
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: name,
  functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
  invokedFunctionArn: invocation.functionArn,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  awsRequestId: randomUUID(),
  logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
  logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  done() {},
  fail() {},
  succeed() {},
};
let outcome;
const booted = performance.now();
let imported = booted;
try {
  const module = await import(pathToFileURL(process.env.LAMBDA_TASK_ROOT + '/' + modulePath + '.js').href);
  imported = performance.now();
  const result = await module[exported](invocation.event, context);
  outcome = { result: result ?? null };
} catch (error) {
  outcome = { error: { errorType: error?.name ?? typeof error, errorMessage: error?.message ?? String(error) } };
}
const answered = performance.now();
const cpu = process.resourceUsage();
outcome.usage = {
  bootMs: booted,
  importMs: imported - booted,
  firstEventMs: answered - imported,
  cpuMs: (cpu.userCPUTime + cpu.systemCPUTime) / 1000,
};
writeSync(3, JSON.stringify(outcome));
// An async handler's answer ends the invocation: Lambda freezes the process, it does not drain the event loop.
process.exit(0);
`;

/** Invokes the packaged handler in a fresh process, as a cold start; `environment` is added last. */
export async function invokePackaged(
  fn: PackagedFunction,
  event: unknown,
  options: {
    references: References;
    endpoints: { aws: string; dynamodb: string };
    environment?: Record<string, string>;
  },
): Promise<Invocation> {
  const region = options.references['AWS::Region'] ?? 'ap-northeast-2';
  const account = options.references['AWS::AccountId'] ?? '';
  const deployed = Object.fromEntries(
    Object.entries(fn.variables).map(([name, value]) => [
      name,
      resolveIntrinsic(value, options.references, name),
    ]),
  );
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LAMBDA_TASK_ROOT: fn.taskRoot,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/11/23/[$LATEST]0123456789abcdef0123456789abcdef',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    // The execution role's session, as Lambda hands it over: dummy values the endpoint accepts.
    AWS_ACCESS_KEY_ID: 'ASIASIMULATEDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'simulated',
    AWS_SESSION_TOKEN: 'simulated',
    _HANDLER: fn.handler,
    // The deployed environment, NODE_OPTIONS included.
    ...deployed,
    AWS_ENDPOINT_URL: options.endpoints.aws,
    AWS_ENDPOINT_URL_DYNAMODB: options.endpoints.dynamodb,
    // This machine's node may be older than the runtime's; the SDK's warning about it is noise here.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...options.environment,
  };
  const scratch = mkdtempSync(join(tmpdir(), 'netwarden-invocation-'));
  const request = join(scratch, 'invocation.json');
  writeFileSync(
    request,
    JSON.stringify({
      event,
      timeoutMs: fn.timeoutSeconds * 1000,
      functionArn: `arn:aws:lambda:${region}:${account}:function:${fn.name}`,
    }),
  );
  try {
    return await new Promise<Invocation>((resolve, reject) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', RUNTIME, request], {
        cwd: fn.taskRoot,
        env,
        stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      });
      const logs: Buffer[] = [];
      const answer: Buffer[] = [];
      child.stdout?.on('data', (chunk: Buffer) => logs.push(chunk));
      child.stderr?.on('data', (chunk: Buffer) => logs.push(chunk));
      child.stdio[3]?.on('data', (chunk: Buffer) => answer.push(chunk));
      const hang = setTimeout(() => child.kill('SIGKILL'), INVOCATION_HANG_LIMIT_MS);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(hang);
        const text = Buffer.concat(logs).toString('utf8');
        const json = Buffer.concat(answer).toString('utf8');
        if (!json) {
          reject(new Error(`${fn.name} gave no answer (exit ${code ?? signal}); its logs:\n${text}`));
          return;
        }
        resolve({ ...(JSON.parse(json) as Omit<Invocation, 'logs'>), logs: text });
      });
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
