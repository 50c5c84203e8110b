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

/**
 * Event verbs: legal and institutional steps. Each lemma lists the inflected forms that
 * report the step as having happened (past tense, participle, headline present tense).
 */
export const EVENT_FORMS: Record<string, string[]> = {
  sign: ['signed', 'signs', 'inked', 'inks'],
  ratify: ['ratified', 'ratifies'],
  approve: ['approved', 'approves', 'backed', 'backs', 'cleared', 'clears', 'endorsed', 'endorses'],
  authorize: ['authorised', 'authorized', 'authorises', 'authorizes', 'empowered', 'mandated'],
  recommend: ['recommended', 'recommends'],
  vote: ['voted', 'votes'],
  pass: ['passed', 'passes'],
  adopt: ['adopted', 'adopts', 'enacted', 'enacts'],
  publish: ['published', 'publishes', 'released', 'releases', 'unveiled', 'unveils', 'disclosed'],
  appoint: ['appointed', 'appoints', 'named', 'names', 'elected', 'elects', 'hired', 'hires'],
  meet: ['met', 'meets', 'convened', 'convenes'],
  invest: ['invested', 'invests', 'funded', 'financed', 'acquired', 'acquires'],
  launch: ['launched', 'launches', 'established', 'establishes', 'founded', 'set-up', 'opened', 'opens'],
  enter_force: ['entered', 'enters', 'took', 'takes', 'came', 'comes'],
  reject: ['rejected', 'rejects', 'vetoed', 'vetoes', 'blocked', 'refused', 'refuses'],
  suspend: ['suspended', 'suspends', 'halted', 'halts', 'paused', 'pauses', 'froze', 'freezes'],
  terminate: ['terminated', 'terminates', 'cancelled', 'canceled', 'cancels', 'scrapped', 'scraps', 'withdrew', 'withdraws', 'quit', 'quits'],
  submit: ['submitted', 'submits', 'tabled', 'filed'],
  transfer: ['transferred', 'transfers', 'paid', 'pays', 'disbursed', 'disburses', 'deposited', 'contributed', 'contributes'],
  agree: ['agreed', 'agrees', 'reached', 'reaches', 'concluded', 'concludes', 'finalised', 'finalized', 'finalises', 'finalizes'],
  sue: ['sued', 'sues', 'ruled'],
};

/** Lemmas whose form is ambiguous unless a nearby word pins the sense. */
export const EVENT_CONTEXT: Record<string, RegExp> = {
  enter_force: /^(?:into force|into effect|effect|in force)/,
  vote: /^(?:to|for|against|in favou?r|on|unanimously|\d)/,
  pass: /^(?:the|a|an)?\s?(?:law|bill|legislation|motion|resolution|act|vote|ratification|budget|amendment|measure)/,
  sue: /^(?:that|against|in favou?r|the|a|an)/,
};

/** Words that, shortly before a verb, mark it as hypothetical, future or negated. */
export const MODALITY = new Set([
  'could', 'would', 'will', 'may', 'might', 'should', 'shall', 'can', 'cannot', 'must', 'to',
  'expected', 'set', 'plans', 'planned', 'plan', 'hopes', 'hoped', 'ready', 'aims', 'if', 'not',
  'no', 'yet', 'never', 'unless', 'whether', 'going', 'likely', 'soon', 'before', 'once', 'until',
  'possibly', 'reportedly', 'allegedly', 'wants', 'want', 'seeks', 'seeking', 'poised', 'than',
  'rather', 'without', 'awaiting', 'pending', 'nearly', 'almost', 'close', 'partly', 'largely',
]);

/** Institutions and parties whose first appearance is itself news. */
export const INSTITUTIONS = new Set([
  'cabinet', 'government', 'parliament', 'lawmakers', 'legislature', 'legislators', 'committee',
  'committees', 'senate', 'congress', 'court', 'board', 'ministry', 'council', 'commission',
  'regulator', 'regulators', 'shareholders', 'chamber', 'assembly', 'tribunal', 'auditors',
  'investors', 'prosecutors', 'arbitration', 'supervisory',
]);

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

export const ORG_WORDS = new Set([
  'fund', 'bank', 'ministry', 'council', 'committee', 'agency', 'corporation', 'corp', 'company',
  'parliament', 'rada', 'commission', 'department', 'office', 'group', 'house', 'senate',
  'congress', 'court', 'union', 'association', 'institute', 'university', 'party', 'times',
  'news', 'post', 'journal', 'reuters', 'bloomberg', 'axios', 'forbes', 'inc', 'ltd', 'llc',
]);
