// The shape of a table's key and its stream, shared by the flag parsers and the AWS calls.

export interface KeyAttribute {
  name: string;
  type: 'S' | 'N' | 'B';
}

export const STREAM_VIEW_TYPES = ['NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES', 'KEYS_ONLY'] as const;
export type StreamViewType = (typeof STREAM_VIEW_TYPES)[number];
