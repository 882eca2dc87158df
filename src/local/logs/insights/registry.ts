// Logs Insights query lifecycle per service instance. A query runs to completion when it is started
// (data is in memory); GetQueryResults reports `Running` with no rows on its first call for a query
// and `Complete` afterwards, so clients exercise their polling loop as they must against AWS.
import type { GetQueryResultsResponse, QueryInfo, QueryStatistics, ResultField } from '@aws-sdk/client-cloudwatch-logs';
import { EventMerge } from '../event-merge.ts';
import type { LogsState } from '../state.ts';
import type { Query } from './ast.ts';
import { EventRow } from './rows.ts';
import { readsOldestFirst, runQuery } from './run.ts';

interface StoredQuery {
  id: string;
  queryString: string;
  groupNames: string[];
  createTime: number;
  status: 'Running' | 'Complete' | 'Cancelled';
  polls: number;
  results: ResultField[][];
  statistics: QueryStatistics;
}

/** Oldest finished queries are forgotten beyond this many (AWS keeps results 7 days). */
const MAX_STORED_QUERIES = 1000;
const RUNNING_POLLS = 1;

export class QueryRegistry {
  private readonly queries = new Map<string, StoredQuery>();
  private readonly state: LogsState;

  constructor(state: LogsState) {
    this.state = state;
  }

  /** Runs `query` over the groups' events with timestamps in [startMs, endMs] and stores the outcome. */
  start(query: Query, queryString: string, groupNames: string[], startMs: number, endMs: number, maxRows: number): string {
    const streams = groupNames.flatMap((g) => [...this.state.requireGroup(g).streams.values()]);
    const merge = new EventMerge(streams, { startTime: startMs, endTime: endMs });
    const rows: EventRow[] = [];
    let bytesScanned = 0;
    for (let next = merge.next(); next; next = merge.next()) {
      const { stream, event } = next;
      bytesScanned += event.bytes;
      rows.push(new EventRow(event, stream.name, stream.groupName, this.state.accountId));
    }
    if (!readsOldestFirst(query)) rows.reverse();
    const scanned = rows.length;
    const { results, recordsMatched } = runQuery(query, rows, maxRows);
    const id = crypto.randomUUID();
    this.queries.set(id, {
      id,
      queryString,
      groupNames,
      createTime: this.state.now(),
      status: 'Running',
      polls: 0,
      results,
      statistics: { recordsMatched, recordsScanned: scanned, estimatedRecordsSkipped: 0, bytesScanned, estimatedBytesSkipped: 0, logGroupsScanned: groupNames.length },
    });
    this.forgetOld();
    return id;
  }

  /** undefined when the id is unknown. */
  results(id: string): GetQueryResultsResponse | undefined {
    const q = this.queries.get(id);
    if (!q) return undefined;
    if (q.status === 'Running' && ++q.polls > RUNNING_POLLS) q.status = 'Complete';
    const visible = q.status === 'Running' ? [] : q.results;
    return { queryLanguage: 'CWLI', results: visible, statistics: q.status === 'Running' ? zeroStats(q.statistics) : q.statistics, status: q.status };
  }

  /** true if it was running (now Cancelled), false if finished, undefined if unknown. */
  stop(id: string): boolean | undefined {
    const q = this.queries.get(id);
    if (!q) return undefined;
    if (q.status !== 'Running') return false;
    q.status = 'Cancelled';
    q.results = [];
    return true;
  }

  describe(filter: { groupName?: string; status?: string }): QueryInfo[] {
    return [...this.queries.values()]
      .filter((q) => (filter.groupName === undefined || q.groupNames.includes(filter.groupName)) && (filter.status === undefined || q.status === filter.status))
      .sort((a, b) => b.createTime - a.createTime)
      .map((q) => ({ queryLanguage: 'CWLI', queryId: q.id, queryString: q.queryString, status: q.status, createTime: q.createTime, logGroupName: q.groupNames[0] }));
  }

  private forgetOld(): void {
    for (const id of this.queries.keys()) {
      if (this.queries.size <= MAX_STORED_QUERIES) return;
      this.queries.delete(id);
    }
  }
}

function zeroStats(s: QueryStatistics): QueryStatistics {
  return { ...s, recordsMatched: 0, recordsScanned: 0, bytesScanned: 0 };
}
