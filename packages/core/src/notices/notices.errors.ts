/** Error codes of notices (通知公告) and cloud broadcast (云广播). */
export const NOTICE_ERRORS = {
  NOTICE_NOT_FOUND:
    "a notice does not exist, or the caller neither sent it, may read it in their areas, nor received it",
  NOTICE_ID_CONFLICT: "a notice is retried with an id that already holds a different notice",
  BROADCAST_AUDIO_REJECTED:
    "a recording for the loudspeakers is not MP3, WAV, M4A, OGG or AMR, is empty or too large, or differs from the one stored under its id",
  BROADCAST_ITEM_NOT_FOUND: "a loudspeaker acknowledges or fetches an item that is not in its queue",
} as const;
export type NoticeErrorCode = keyof typeof NOTICE_ERRORS;
export const NOTICE_ERROR_CODES = Object.keys(NOTICE_ERRORS) as NoticeErrorCode[];
