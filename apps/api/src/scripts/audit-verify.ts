// Re-checks the audit log's hash chain and reports the first broken link. Usage: pnpm audit:verify
import { databaseTargetFromEnv, describeTarget, openDatabase } from "@firebreak/db";
import { createAuditService } from "../modules/audit/audit.service.js";

const target = databaseTargetFromEnv(process.env);
const database = await openDatabase(target);
try {
  const result = await createAuditService(database.prisma).verify();
  if (result.ok) {
    console.log(`audit chain OK: ${result.checked} entries verified in ${describeTarget(target)}`);
  } else {
    console.error(
      `audit chain BROKEN at seq ${result.firstBrokenSeq}: ${result.reason} (${result.checked} entries checked)`,
    );
    process.exitCode = 1;
  }
} finally {
  await database.close();
}
process.exit(process.exitCode ?? 0);
