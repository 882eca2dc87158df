import { createLocalStack } from '/work/main/src/local/index.ts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createStreamTable, referenceWrite } from '/work/main/bench/lib.ts';
import fs from 'node:fs';
import { execSync } from 'node:child_process';
const s = await createLocalStack({ port: 0 });
const pid = execSync(`pgrep -P ${process.pid} java`).toString().trim();
const cpu = () => { const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) / 100; };
const ddb = new DynamoDBClient({ endpoint: s.url, region: 'us-east-1', credentials: { accessKeyId: 'b', secretAccessKey: 'b' } });
for (let i = 0; i < 2; i++) {
  await createStreamTable(ddb, `t${i}`);
  const a = cpu(); const me = process.cpuUsage();
  const ms = await referenceWrite(ddb, `t${i}`, 10000);
  const u = process.cpuUsage(me);
  console.log('write 10k ms', Math.round(ms), 'jvm cpu', (cpu() - a).toFixed(2), 'node cpu', ((u.user + u.system) / 1e6).toFixed(2));
}
ddb.destroy(); await s.close();
