/**
 * Nouns any news report uses whatever it is about: time, people in general, reporting
 * itself, quantities. A story's subject is never one of these, so drafting skips them.
 * General newsroom vocabulary only: nothing here is about one story.
 */
export const GENERIC_NOUNS = new Set([
  // time
  'year', 'month', 'week', 'day', 'hour', 'minute', 'time', 'today', 'yesterday', 'tomorrow', 'morning',
  'evening', 'night', 'weekend', 'period', 'date', 'moment', 'decade', 'century', 'quarter', 'season', 'end', 'start', 'beginning',
  // people and places in general
  'people', 'person', 'man', 'woman', 'official', 'spokesperson', 'spokesman', 'spokeswoman', 'source', 'leader',
  'member', 'country', 'nation', 'state', 'city', 'area', 'region', 'world', 'side', 'party', 'group', 'team', 'public',
  'president', 'minister', 'secretary', 'chief', 'head', 'executive', 'director', 'administration',
  // reporting
  'news', 'report', 'statement', 'comment', 'interview', 'press', 'conference', 'article', 'story', 'word', 'question',
  'answer', 'message', 'video', 'post', 'reporter', 'journalist', 'media', 'information', 'detail', 'announcement',
  // quantities and generalities
  'percent', 'percentage', 'number', 'amount', 'lot', 'part', 'way', 'thing', 'kind', 'type', 'point', 'case',
  'issue', 'matter', 'fact', 'level', 'term', 'place', 'life', 'world', 'lot', 'majority', 'half', 'total', 'rest',
  'dollar', 'million', 'billion', 'trillion', 'thousand', 'hundred', 'dozen', 'figure', 'step', 'move', 'effort',
  'plan', 'work', 'job', 'use', 'need', 'result', 'change', 'example', 'reason', 'idea', 'view', 'sense', 'hand',
  'today', 'focus', 'role', 'position', 'situation', 'process', 'system', 'course', 'chance', 'sign', 'line',
  'meeting', 'outcome', 'response', 'decision', 'problem', 'company', 'business', 'right',
]);
