import { parseArgs } from 'node:util';
import { COMMON_OPTIONS, ADMIN_OPTIONS_HELP, requiredSegment, adminUrl, callAdmin, formatTable } from './admin-client.js';

/** Help text of `switchyard groups`, shaped like kafka-consumer-groups.sh. */
export const GROUPS_HELP = `Usage: switchyard groups <action> [options]

Actions:
  --list                                   list consumer groups with their state
  --describe --group G                     members, and per partition: committed offset, log end offset, lag
  --reset-offsets --group G (--topic T | --all-topics) <target> [--execute]
        targets: --to-earliest | --to-latest | --to-datetime YYYY-MM-DDTHH:mm:SS[.sss][Z] | --to-offset N | --shift-by N
        without --execute the new offsets are only shown; the group must have no active members
  --delete --group G                       delete an empty group and its committed offsets

Options:
${ADMIN_OPTIONS_HELP}
`;

/** One partition line of a group description. */
interface PartitionLag {
  topic: string;
  partition: number;
  committedOffset: number;
  logEndOffset: number;
  lag: number | null;
}

/** A group as the admin API describes it. */
interface GroupDetail {
  groupId: string;
  state: string;
  protocol: string;
  generationId: number;
  members: { memberId: string; clientId: string; clientHost: string; assignment: { topic: string; partitions: number[] }[] }[];
  offsets: PartitionLag[];
}

/** What the reset targets say, as the admin API takes it. */
type ResetSpec =
  | { type: 'earliest' }
  | { type: 'latest' }
  | { type: 'datetime'; timestamp: number }
  | { type: 'offset'; offset: number }
  | { type: 'shiftBy'; delta: number };

/** Runs `switchyard groups`; returns the text to print. */
export async function groupsCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...COMMON_OPTIONS,
      list: { type: 'boolean' },
      describe: { type: 'boolean' },
      'reset-offsets': { type: 'boolean' },
      delete: { type: 'boolean' },
      group: { type: 'string' },
      topic: { type: 'string' },
      'all-topics': { type: 'boolean' },
      'to-earliest': { type: 'boolean' },
      'to-latest': { type: 'boolean' },
      'to-datetime': { type: 'string' },
      'to-offset': { type: 'string' },
      'shift-by': { type: 'string' },
      execute: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) return GROUPS_HELP;
  const base = adminUrl(values.server, env);
  const group = () => requiredSegment('group', values.group);
  if (values.list) {
    const groups = await callAdmin<{ groupId: string; state: string; protocolType: string; members: number }[]>(base, 'GET', '/api/groups');
    return formatTable(['GROUP', 'STATE', 'PROTOCOL-TYPE', 'MEMBERS'], groups.map((g) => [g.groupId, g.state, g.protocolType, g.members]));
  }
  if (values.describe) {
    return describeGroup(await callAdmin<GroupDetail>(base, 'GET', `/api/groups/${group()}`));
  }
  if (values['reset-offsets']) {
    if (!values.topic === !values['all-topics']) throw new Error('--reset-offsets needs exactly one of --topic T or --all-topics');
    const body = { topic: values.topic ?? null, spec: resetSpec(values), execute: values.execute === true };
    const entries = await callAdmin<{ topic: string; partition: number; previousOffset: number; newOffset: number }[]>(base, 'POST', `/api/groups/${group()}/reset-offsets`, body);
    const table = formatTable(['GROUP', 'TOPIC', 'PARTITION', 'PREVIOUS-OFFSET', 'NEW-OFFSET'], entries.map((e) => [values.group!, e.topic, e.partition, e.previousOffset, e.newOffset]));
    return values.execute ? table : `${table}\n\n(preview only: add --execute to apply)`;
  }
  if (values.delete) {
    await callAdmin(base, 'DELETE', `/api/groups/${group()}`);
    return `Deleted group ${values.group}.`;
  }
  throw new Error(`name one action: --list, --describe, --reset-offsets or --delete\n\n${GROUPS_HELP}`);
}

function resetSpec(values: Record<string, string | boolean | undefined>): ResetSpec {
  const targets: ResetSpec[] = [];
  if (values['to-earliest']) targets.push({ type: 'earliest' });
  if (values['to-latest']) targets.push({ type: 'latest' });
  if (typeof values['to-datetime'] === 'string') {
    const timestamp = Date.parse(values['to-datetime']);
    if (Number.isNaN(timestamp)) throw new Error(`--to-datetime takes YYYY-MM-DDTHH:mm:SS[.sss][Z], not '${values['to-datetime']}'`);
    targets.push({ type: 'datetime', timestamp });
  }
  if (typeof values['to-offset'] === 'string') targets.push({ type: 'offset', offset: wholeNumber('--to-offset', values['to-offset'], 0) });
  if (typeof values['shift-by'] === 'string') targets.push({ type: 'shiftBy', delta: wholeNumber('--shift-by', values['shift-by'], -Infinity) });
  if (targets.length !== 1) throw new Error('give exactly one target: --to-earliest, --to-latest, --to-datetime, --to-offset or --shift-by');
  return targets[0];
}

function wholeNumber(flag: string, text: string, minimum: number): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < minimum) throw new Error(`${flag} must be a whole number${minimum === 0 ? ' of at least 0' : ''}, not '${text}'`);
  return value;
}

function describeGroup(group: GroupDetail): string {
  const owner = new Map<string, GroupDetail['members'][number]>();
  for (const member of group.members) {
    for (const { topic, partitions } of member.assignment) for (const partition of partitions) owner.set(`${topic}\0${partition}`, member);
  }
  const rows = group.offsets.map((p) => {
    const member = owner.get(`${p.topic}\0${p.partition}`);
    return [group.groupId, p.topic, p.partition, p.committedOffset < 0 ? null : p.committedOffset, p.logEndOffset, p.lag, member?.memberId ?? null, member?.clientHost ?? null, member?.clientId ?? null];
  });
  const heading = `Consumer group '${group.groupId}' is ${group.state} (generation ${group.generationId}, ${group.members.length} member${group.members.length === 1 ? '' : 's'})`;
  return `${heading}\n\n${formatTable(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'], rows)}`;
}
