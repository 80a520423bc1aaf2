/** The instances behind the target groups, as heal-targets sees and changes them (shared/aws/ec2/instances.ts). */

export type StatusCheck = 'ok' | 'impaired' | 'initializing' | 'insufficient-data' | 'not-applicable';

export interface InstanceFacts {
  readonly instanceId: string;
  /** pending | running | stopping | stopped | shutting-down | terminated */
  readonly state: string;
  readonly availabilityZone?: string;
  /** LaunchTime: when the instance last started (a reboot does not change it). */
  readonly launchedAt?: Date;
  readonly privateIp?: string;
  readonly securityGroupIds: ReadonlyArray<string>;
  readonly tags: Readonly<Record<string, string>>;
  readonly instanceStatus: StatusCheck;
  readonly systemStatus: StatusCheck;
}

export interface Instances {
  describeInstances(ids: ReadonlyArray<string>): Promise<InstanceFacts[]>;
  subnetCidrs(ids: ReadonlyArray<string>): Promise<Record<string, string>>;
  startInstance(id: string): Promise<{ previous: string; current: string }>;
  rebootInstance(id: string): Promise<void>;
  tagInstance(id: string, tags: Readonly<Record<string, string>>): Promise<void>;
  untagInstance(id: string, keys: ReadonlyArray<string>): Promise<void>;
}
