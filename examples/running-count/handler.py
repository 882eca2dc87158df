"""A DynamoDB Streams consumer that keeps a running count of the items inserted into the source table.

The count lives in a second table (COUNTER_TABLE, by default "<source table>-counter", partition key
`pk` of type S) under the item {"pk": "total"}; each batch adds its number of INSERT records with one
atomic UpdateItem ADD. It imports boto3, which the Lambda Python runtimes provide: nothing to bundle.
"""
import os

import boto3

_tables = {}


def _counter_table(event_source_arn):
    # arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>
    name = os.environ.get("COUNTER_TABLE") or event_source_arn.split("/")[1] + "-counter"
    if name not in _tables:
        _tables[name] = boto3.resource("dynamodb").Table(name)
    return _tables[name]


def handler(event, context):
    records = event.get("Records", [])
    inserted = sum(1 for r in records if r.get("eventName") == "INSERT")
    if inserted:
        _counter_table(records[0]["eventSourceARN"]).update_item(
            Key={"pk": "total"},
            UpdateExpression="ADD #count :n",
            ExpressionAttributeNames={"#count": "count"},
            ExpressionAttributeValues={":n": inserted},
        )
    return {"inserted": inserted}
