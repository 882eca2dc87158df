// A DynamoDB Streams consumer that copies every item written to the source table into a second table
// (COPY_TABLE, by default "<source table>-copy") and deletes it there when it is deleted at the source.
// It imports the AWS SDK for JavaScript v3 that the Lambda Node.js runtimes provide: nothing to bundle.
// Needs a stream view type that includes new images (NEW_IMAGE or NEW_AND_OLD_IMAGES).
import { DeleteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';

const client = new DynamoDBClient({});

/** `arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>` → `<name>`. */
const tableOf = (eventSourceARN) => eventSourceARN.split('/')[1];

export const handler = async (event) => {
  const writes = event.Records.map((record) => {
    const target = process.env.COPY_TABLE || `${tableOf(record.eventSourceARN)}-copy`;
    if (record.eventName === 'REMOVE') return client.send(new DeleteItemCommand({ TableName: target, Key: record.dynamodb.Keys }));
    return client.send(new PutItemCommand({ TableName: target, Item: record.dynamodb.NewImage }));
  });
  // Any failed write fails the batch, so Lambda retries it: a copy may be written twice, never lost.
  await Promise.all(writes);
  return { copied: writes.length };
};
