/** townhall audit verify: walks the audit trail's hash chain and names the first entry that breaks it. */
import { verifyAuditChain } from '../audit/audit.js';
import type { CommandContext } from './context.js';
import { requireSchema, withDatabase } from './database.js';

export function run(context: CommandContext): Promise<number> {
  const { values, positionals } = context;
  return withDatabase(context, async (db) => {
    if (positionals[0] !== 'verify') return context.usageError('The only audit action is "verify".');
    const anchor = typeof values.anchor === 'string' ? parseAnchor(values.anchor) : undefined;
    if (anchor === null) return context.usageError('--anchor is SEQ:HASH, as printed by an earlier verify (e.g. 4711:9f86d0…).');
    await requireSchema(db);
    const result = await verifyAuditChain(db, { ...(anchor ? { anchor } : {}) });
    if (result.ok) {
      context.print(`Audit trail intact: ${result.entries} entries, last hash ${result.lastHash}.${anchor ? ` It still holds entry ${anchor.seq} as anchored.` : ''}`);
      context.print(`Anchor: ${result.entries}:${result.lastHash}`);
      return 0;
    }
    context.print(`Audit trail BROKEN at entry ${result.firstBadSeq}: ${result.problem}. The ${result.entries} entries before it check out.`);
    return 1;
  });
}

function parseAnchor(text: string): { seq: number; hash: string } | null {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(text.trim());
  return match ? { seq: Number(match[1]), hash: match[2] as string } : null;
}
