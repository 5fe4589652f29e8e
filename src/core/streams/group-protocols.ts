/** How a group agrees on a protocol: who may join with which protocols, and which one a generation uses. */
import type { GroupMember } from './group-member.js';
import type { JoinGroupRequest } from './group-types.js';

/** The protocol every one of `members` (at least one) supports that most of them prefer. */
export function selectProtocol(members: readonly GroupMember[]): string {
  const common = members[0].protocols.map((p) => p.name).filter((name) => members.every((m) => m.protocols.some((p) => p.name === name)));
  const votes = new Map<string, number>(common.map((name) => [name, 0]));
  for (const member of members) {
    const choice = member.protocols.find((p) => votes.has(p.name));
    if (choice) votes.set(choice.name, (votes.get(choice.name) ?? 0) + 1);
  }
  let best = common[0];
  for (const name of common) if ((votes.get(name) ?? 0) > (votes.get(best) ?? 0)) best = name;
  return best;
}

/**
 * True if a joiner's protocols match the group's protocol type (`protocolType`, null before the first
 * member) and share a protocol with every other one of `members`.
 */
export function acceptsProtocols(req: JoinGroupRequest, members: readonly GroupMember[], protocolType: string | null): boolean {
  if (req.protocolType === '' || req.protocols.length === 0) return false;
  const others = members.filter((m) => m.memberId !== req.memberId);
  if (others.length === 0) return true;
  if (protocolType !== null && req.protocolType !== protocolType) return false;
  return req.protocols.some((p) => others.every((m) => m.protocols.some((q) => q.name === p.name)));
}
