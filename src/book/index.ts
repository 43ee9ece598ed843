export { OrderBook, type Level } from './order-book.js';
export { BookBuilder } from './book-builder.js';
export { checkBooks, type BookCheck, type BookCheckReport } from './verify-book.js';
export { booksAt, formatBooks, viewOf, type BookAtOptions, type BookView } from './book-at.js';
