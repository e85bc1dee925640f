/**
 * Operators: validate and load a catalogue into the catalogue table, all or nothing; or put the
 * previous version back.
 *
 *   npx tsx infra/catalogue-import.ts <file.json|file.csv> [--dry-run] [--confirm-removals N]
 *   npx tsx infra/catalogue-import.ts --rollback <current version, e.g. v000012>
 *
 * An import that removes more than the configured share of the current items
 * (infra/config/catalogue.json) is refused unless --confirm-removals names exactly how many it
 * removes. The API (POST /api/catalogue/import, /rollback) does the same and writes the audit log;
 * this tool acts with the caller's AWS credentials (CloudTrail records who).
 *
 * Table name from CATALOGUE_TABLE; endpoint and credentials as the AWS SDK reads them
 * (AWS_ENDPOINT_URL_DYNAMODB for the local cloud, AWS_REGION, AWS_PROFILE, …).
 * Exit status: 0 loaded (or valid with --dry-run), 1 invalid (every error printed), 2 usage or I/O.
 */
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type ImportInput, prepareImport, removalUnconfirmed } from '../functions/catalogue/csv.ts';
import { formatError } from '../functions/catalogue/model.ts';
import {
  CatalogueRollbackError,
  readCatalogue,
  rollbackCatalogue,
  writeCatalogue,
} from '../functions/catalogue/store.ts';
import { halls } from './halls.ts';

/** A progress bar on stderr, redrawn in place; plain lines when stderr is not a terminal. */
export function progressBar(label: string) {
  const tty = process.stderr.isTTY;
  let lastPct = -1;
  return (done: number, total: number) => {
    const pct = total ? Math.floor((done / total) * 100) : 100;
    if (pct === lastPct) return;
    lastPct = pct;
    const width = 30;
    const fill = Math.round((pct / 100) * width);
    const line = `${label} [${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${String(pct).padStart(3)}% ${done}/${total}`;
    if (tty) process.stderr.write(`\r${line}${done >= total ? '\n' : ''}`);
    else if (pct % 25 === 0 || done >= total) process.stderr.write(`${line}\n`);
  };
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const dryRun = args.includes('--dry-run');
  const flagValue = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  const confirmRemovals = flagValue('--confirm-removals');
  const rollback = flagValue('--rollback');
  const values = new Set([confirmRemovals, rollback]);
  const file = args.find((a) => !a.startsWith('--') && !values.has(a));
  if ((!file && !rollback) || (confirmRemovals !== undefined && !/^\d+$/.test(confirmRemovals))) {
    console.error(
      '用法：npx tsx infra/catalogue-import.ts <目录.json|目录.csv> [--dry-run] [--confirm-removals 数量]\n' +
        '      npx tsx infra/catalogue-import.ts --rollback <当前版本号>',
    );
    return 2;
  }
  const table = process.env.CATALOGUE_TABLE;
  if (!table) {
    console.error('请设置环境变量 CATALOGUE_TABLE（事项目录表名）');
    return 2;
  }
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  if (rollback) {
    try {
      const { meta, changed } = await rollbackCatalogue(doc, table, rollback);
      console.error(
        changed
          ? `已回退：目录版本 ${meta.version}（撤销 ${rollback}）。`
          : `${rollback} 已被回退过，当前版本 ${meta.version}。`,
      );
      return 0;
    } catch (e) {
      if (!(e instanceof CatalogueRollbackError)) throw e;
      console.error(e.message);
      return 1;
    }
  }
  let text: string;
  if (!file) return 2;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    console.error(`无法读取文件 ${file}：${(e as Error).message}`);
    return 2;
  }
  let input: ImportInput;
  if (/\.csv$/i.test(file)) input = { kind: 'csv', text };
  else
    try {
      input = { kind: 'json', data: JSON.parse(text) };
    } catch (e) {
      console.error(`${file} 不是合法的 JSON：${(e as Error).message}`);
      return 1;
    }

  const current = await readCatalogue(doc, table);
  if (current.halls.length === 0) current.halls = halls.map((h) => ({ ...h }));
  const prepared = prepareImport(current, input, progressBar('校验'));
  if (!prepared.catalogue) {
    for (const e of prepared.errors) console.error(formatError(e));
    console.error(`\n校验未通过：共 ${prepared.errors.length} 处错误，未导入任何内容。`);
    return 1;
  }
  const s = prepared.summary;
  console.error(
    `校验通过：事项 ${s?.items} 项（新增 ${s?.added}，更新 ${s?.updated}，删除 ${s?.removed}），部门 ${s?.departments} 个，流程模板 ${s?.templates} 个。`,
  );
  if (dryRun) {
    console.error('--dry-run：未写入。');
    return 0;
  }
  const confirmed = confirmRemovals === undefined ? undefined : Number(confirmRemovals);
  const unconfirmed = removalUnconfirmed(prepared.summary!, current.items.length, confirmed);
  if (unconfirmed) {
    console.error(`${unconfirmed}（--confirm-removals ${prepared.summary!.removed}）`);
    return 1;
  }
  const meta = await writeCatalogue(doc, table, prepared.catalogue, { onProgress: progressBar('写入') });
  console.error(`已导入，目录版本 ${meta.version}。`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`导入失败：${(err as Error).message}`);
    process.exit(2);
  },
);
