export { OrderBook, type Level } from './order-book.js';
export { BookBuilder } from './book-builder.js';
export { checkBooks, type BookCheck, type BookCheckReport } from './verify-book.js';
export { booksAt, formatBooks, viewOf, type BookAtOptions, type BookView } from './book-at.js';
export { bookSnapshotEvents, catchUpKeyframes, ensureKeyframeAt, pruneKeyframesBefore, booksStateAt, keyframeStore, writeKeyframes, nextGridLine, KeyframeWriter, SeekableBooks, KEYFRAMES_DIR, KEYFRAME_EVERY_NS_DEFAULT, KEYFRAME_EVERY_EVENTS_DEFAULT } from './keyframes.js';
export type { KeyframeOptions, KeyframeReport, BooksStateOptions, BooksState } from './keyframes.js';
export { encodeBooks, decodeBooks, BOOKS_FILE, BOOKS_FORMAT, BOOKS_FILE_JSON, BOOKS_FORMAT_JSON } from './book-state.js';
export type { OrderBookState } from './order-book.js';
