/**
 * General news vocabulary the fact extractor relies on. Nothing here is about one
 * story: these are the words any political/business news desk watches for.
 */

export const NUMBER_WORDS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17,
  eighteen: 18, nineteen: 19, twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60,
  seventy: 70, eighty: 80, ninety: 90, hundred: 100, dozen: 12, both: 2,
};

export const MONTHS = [
  'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september',
  'october', 'november', 'december',
];

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

export const SCALE: Record<string, number> = {
  thousand: 1e3, k: 1e3, million: 1e6, mn: 1e6, m: 1e6, billion: 1e9, bn: 1e9, b: 1e9,
  trillion: 1e12, tn: 1e12, t: 1e12,
};





/** Capitalised words that are roles or titles, not the entity itself. */
export const TITLES = new Set([
  'president', 'vice', 'prime', 'minister', 'deputy', 'first', 'secretary', 'treasury', 'foreign',
  'economy', 'economic', 'national', 'security', 'adviser', 'advisor', 'speaker', 'special',
  'envoy', 'general', 'gen', 'lt', 'chief', 'executive', 'retired', 'state', 'senator', 'sen',
  'rep', 'mr', 'mrs', 'ms', 'dr', 'ambassador', 'chairman', 'chair', 'head', 'director', 'ceo',
  'governor', 'mayor', 'king', 'queen', 'chancellor', 'commissioner', 'spokesperson',
  'spokesman', 'spokeswoman', 'official', 'officials', 'former', 'acting', 'interim', 'senior',
]);

/** Capitalised words that are never entities in their own right. */
export const NOT_ENTITIES = new Set([
  'the', 'a', 'an', 'and', 'but', 'or', 'in', 'on', 'at', 'of', 'for', 'to', 'with', 'by', 'as',
  'it', 'its', 'he', 'she', 'they', 'we', 'i', 'this', 'that', 'these', 'those', 'there', 'his',
  'her', 'their', 'our', 'after', 'before', 'despite', 'however', 'instead', 'meanwhile',
  'earlier', 'later', 'last', 'next', 'now', 'then', 'when', 'while', 'if', 'some', 'one',
  'another', 'other', 'both', 'news', 'see', 'also', 'against', 'according', 'under', 'from',
  'with', 'without', 'initially', 'here', 'what', 'why', 'how', 'who', 'looking', 'back',
  'analysis', 'opinion', 'update', 'breaking', 'exclusive', 'live', 'watch', 'read',
]);

