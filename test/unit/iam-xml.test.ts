import { test } from 'node:test';
import assert from 'node:assert/strict';
import { element, errorXml, escapeXml, memberList, shapeXml, successXml, textElement } from '../../src/local/iam/xml.ts';
import { encodePolicyDocument, isoDate } from '../../src/local/iam/render.ts';

test('escapeXml escapes markup characters and keeps CR as a character reference', () => {
  assert.equal(escapeXml(`a & b <c> "d" 'e'\r\n`), 'a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;&#13;\n');
  assert.equal(escapeXml('plain text'), 'plain text');
});

test('textElement leaves out absent values but keeps empty strings and false', () => {
  assert.equal(textElement('Description', undefined), '');
  assert.equal(textElement('Value', ''), '<Value></Value>');
  assert.equal(textElement('IsTruncated', false), '<IsTruncated>false</IsTruncated>');
});

test('memberList writes members, and an empty list as a self-closed element', () => {
  assert.equal(memberList('PolicyNames', ['a', 'b'], (n) => n), '<PolicyNames><member>a</member><member>b</member></PolicyNames>');
  assert.equal(memberList('Tags', [], () => 'x'), '<Tags/>');
  assert.equal(element('RoleLastUsed', ''), '<RoleLastUsed/>');
});

test('shapeXml writes an output object in member order: absent members left out, empty structures and lists self-closed', () => {
  const xml = shapeXml({
    Role: { RoleName: 'r<1>', Description: undefined, MaxSessionDuration: 3600, Tags: [{ Key: 'k', Value: '' }], RoleLastUsed: {} },
    PolicyNames: ['a&b'],
    Roles: [],
    IsTruncated: false,
    Marker: undefined,
  });
  assert.equal(
    xml,
    '<Role><RoleName>r&lt;1&gt;</RoleName><MaxSessionDuration>3600</MaxSessionDuration><Tags><member><Key>k</Key><Value></Value></member></Tags><RoleLastUsed/></Role>' +
      '<PolicyNames><member>a&amp;b</member></PolicyNames><Roles/><IsTruncated>false</IsTruncated>',
  );
});

test('successXml omits the Result element for operations without output', () => {
  const withResult = successXml('GetRole', 'urn:ns', 'rid', '<Role/>');
  assert.match(withResult, /<GetRoleResponse xmlns="urn:ns"><GetRoleResult><Role\/><\/GetRoleResult><ResponseMetadata><RequestId>rid<\/RequestId>/);
  const without = successXml('DeleteRole', 'urn:ns', 'rid', undefined);
  assert.doesNotMatch(without, /DeleteRoleResult/);
  assert.match(without, /<DeleteRoleResponse xmlns="urn:ns"><ResponseMetadata>/);
});

test('errorXml carries Type, Code and an escaped Message, with RequestId outside Error', () => {
  const xml = errorXml('urn:ns', 'rid', { type: 'Sender', code: 'ValidationError', message: "Value 'a<b' at 'roleName'" });
  assert.match(xml, /<ErrorResponse xmlns="urn:ns"><Error><Type>Sender<\/Type><Code>ValidationError<\/Code><Message>Value &apos;a&lt;b&apos; at &apos;roleName&apos;<\/Message><\/Error><RequestId>rid<\/RequestId><\/ErrorResponse>/);
});

test('policy documents are percent-encoded so that decodeURIComponent and unquote() restore them', () => {
  const doc = '{"Sid": "a+b c", "Resource": "arn:aws:s3:::x/*"}\n';
  const encoded = encodePolicyDocument(doc);
  assert.doesNotMatch(encoded, /[ +"{}\n]/);
  assert.match(encoded, /%2B/);
  assert.equal(decodeURIComponent(encoded), doc);
});

test('isoDate writes UTC with whole seconds', () => {
  assert.equal(isoDate(Date.UTC(2024, 4, 1, 12, 30, 15, 987)), '2024-05-01T12:30:15Z');
});
