/**
 * The general event lexicon: what kinds of thing happen in political, legal and business
 * news, and the words that report each. Nothing here is about one story. Each action
 * lists its surface forms (any inflection; headlines use the present tense) and the
 * nouns that name it ("ratification", "tender"), so a frame is found in "Rada ratifies
 * deal" and in "ratification vote set for Thursday" alike.
 */

export interface ActionEntry {
  /** Verb forms, lower case. */
  verbs: string[];
  /** Nouns naming the event; a noun alone reads as planned unless a verb says more. */
  nouns?: string[];
  /** Actions that are a setback rather than progress. */
  setback?: boolean;
}

export const ACTIONS: Record<string, ActionEntry> = {
  sign: { verbs: ['sign', 'signs', 'signed', 'signing', 'ink', 'inks', 'inked', 'seal', 'seals', 'sealed', 'clinch', 'clinches', 'clinched'], nouns: ['signing', 'signature'] },
  agree: {
    verbs: ['agree', 'agrees', 'agreed', 'reach', 'reaches', 'reached', 'strike', 'strikes', 'struck', 'settle', 'settles', 'settled'],
  },
  ratify: { verbs: ['ratify', 'ratifies', 'ratified'], nouns: ['ratification'] },
  approve: {
    verbs: ['approve', 'approves', 'approved', 'back', 'backs', 'backed', 'endorse', 'endorses', 'endorsed', 'clear', 'clears', 'cleared', 'greenlight', 'greenlights', 'greenlighted', 'uphold', 'upholds', 'upheld', 'confirm', 'confirms', 'confirmed', 'pass', 'passes', 'passed', 'adopt', 'adopts', 'adopted', 'enact', 'enacts', 'enacted', 'sign off', 'signs off', 'signed off', 'signing off', 'allow', 'allows', 'allowed', 'permit', 'permits', 'permitted'],
    nouns: ['approval', 'clearance', 'endorsement'],
  },
  vote: { verbs: ['vote', 'votes', 'voted'], nouns: ['vote', 'ballot', 'referendum'] },
  launch: {
    verbs: ['launch', 'launches', 'launched', 'establish', 'establishes', 'established', 'create', 'creates', 'created', 'open', 'opens', 'opened', 'start', 'starts', 'started', 'begin', 'begins', 'began', 'unveil', 'unveils', 'unveiled', 'introduce', 'introduces', 'introduced', 'operational', 'running', 'set up', 'sets up', 'setting up'],
    nouns: ['launch', 'tender', 'auction'],
  },
  appoint: {
    verbs: ['appoint', 'appoints', 'appointed', 'name', 'names', 'named', 'nominate', 'nominates', 'nominated', 'elect', 'elects', 'elected', 'hire', 'hires', 'hired', 'choose', 'chooses', 'chose', 'chosen'],
    nouns: ['appointment', 'nomination'],
  },
  award: {
    verbs: ['award', 'awards', 'awarded', 'win', 'wins', 'won', 'pick', 'picks', 'picked', 'select', 'selects', 'selected', 'grant', 'grants', 'granted'],
    nouns: ['winner', 'award'],
  },
  invest: {
    verbs: ['invest', 'invests', 'invested', 'commit', 'commits', 'committed', 'allocate', 'allocates', 'allocated', 'contribute', 'contributes', 'contributed', 'fund', 'funds', 'funded', 'finance', 'finances', 'financed', 'pay', 'pays', 'paid', 'transfer', 'transfers', 'transferred', 'disburse', 'disburses', 'disbursed', 'inject', 'injects', 'injected'],
    nouns: ['contribution', 'payment'],
  },
  acquire: {
    verbs: ['buy', 'buys', 'bought', 'acquire', 'acquires', 'acquired', 'purchase', 'purchases', 'purchased', 'sell', 'sells', 'sold', 'divest', 'divests', 'divested', 'merge', 'merges', 'merged', 'take over', 'takes over', 'took over'],
    nouns: ['acquisition', 'takeover', 'sale', 'merger', 'bid', 'offer', 'divestiture'],
  },
  complete: {
    verbs: ['complete', 'completes', 'completed', 'close', 'closes', 'closed', 'finalise', 'finalises', 'finalised', 'finalize', 'finalizes', 'finalized', 'conclude', 'concludes', 'concluded', 'wrap up', 'wraps up', 'wrapped up'],
    nouns: ['completion', 'closing'],
  },
  oppose: {
    verbs: ['oppose', 'opposes', 'opposed', 'criticise', 'criticises', 'criticised', 'criticize', 'criticizes', 'criticized', 'condemn', 'condemns', 'condemned', 'denounce', 'denounces', 'denounced', 'warn', 'warns', 'warned', 'vow', 'vows', 'vowed', 'threaten', 'threatens', 'threatened'],
    nouns: ['opposition', 'criticism', 'warning', 'threat'],
    setback: true,
  },
  propose: {
    verbs: ['propose', 'proposes', 'proposed', 'offer', 'offers', 'offered', 'submit', 'submits', 'submitted', 'table', 'tables', 'tabled', 'present', 'presents', 'presented', 'hand', 'hands', 'handed', 'send', 'sends', 'sent', 'register', 'registers', 'registered', 'file', 'files', 'filed', 'draft', 'drafts', 'drafted', 'want', 'wants', 'wanted', 'seek', 'seeks', 'sought', 'urge', 'urges', 'urged'],
    nouns: ['proposal', 'draft', 'offer', 'bill'],
  },
  meet: {
    verbs: ['meet', 'meets', 'met', 'convene', 'convenes', 'convened', 'discuss', 'discusses', 'discussed', 'hold talks', 'held talks', 'holds talks', 'resume talks', 'resumes talks', 'resumed talks'],
    nouns: ['meeting', 'summit', 'session', 'talks'],
  },
  extend: { verbs: ['extend', 'extends', 'extended', 'prolong', 'prolongs', 'prolonged', 'renew', 'renews', 'renewed', 'push back', 'pushes back', 'pushed back'], nouns: ['extension'] },
  enter_force: { verbs: ['enter into force', 'enters into force', 'entered into force', 'take effect', 'takes effect', 'took effect', 'came into force', 'comes into force'], nouns: ['entry into force'] },
  publish: { verbs: ['publish', 'publishes', 'published', 'release', 'releases', 'released', 'disclose', 'discloses', 'disclosed', 'reveal', 'reveals', 'revealed'] },
  rule: { verbs: ['rule', 'rules', 'ruled', 'lose', 'loses', 'find', 'finds', 'order', 'orders', 'ordered', 'sentence', 'sentences', 'sentenced', 'convict', 'convicts', 'convicted', 'acquit', 'acquits', 'acquitted', 'dismiss', 'dismisses', 'dismissed'], nouns: ['ruling', 'verdict', 'judgment', 'judgement', 'order'] },
  sue: { verbs: ['sue', 'sues', 'sued', 'appeal', 'appeals', 'appealed', 'challenge', 'challenges', 'challenged', 'charge', 'charges', 'charged', 'indict', 'indicts', 'indicted', 'probe', 'probes', 'probed', 'investigate', 'investigates', 'investigated'], nouns: ['lawsuit', 'appeal', 'probe', 'investigation', 'inquiry', 'review', 'charges'] },
  block: { verbs: ['block', 'blocks', 'blocked', 'stop', 'stops', 'stopped', 'scuttle', 'scuttles', 'scuttled', 'kill', 'kills', 'killed', 'nix', 'nixes', 'nixed', 'sink', 'sinks', 'sank', 'ban', 'bans', 'banned', 'veto', 'vetoes', 'vetoed', 'prohibit', 'prohibits', 'prohibited', 'bar', 'bars', 'barred', 'reject', 'rejects', 'rejected', 'refuse', 'refuses', 'refused', 'deny', 'denies', 'denied'], nouns: ['ban', 'veto', 'rejection'], setback: true },
  suspend: { verbs: ['suspend', 'suspends', 'suspended', 'halt', 'halts', 'halted', 'pause', 'pauses', 'paused', 'freeze', 'freezes', 'froze', 'frozen', 'delay', 'delays', 'delayed', 'postpone', 'postpones', 'postponed', 'stall', 'stalls', 'stalled'], nouns: ['delay', 'suspension', 'postponement', 'setback', 'hitch', 'snag', 'dispute', 'standoff', 'row'], setback: true },
  terminate: { verbs: ['terminate', 'terminates', 'terminated', 'cancel', 'cancels', 'cancelled', 'canceled', 'scrap', 'scraps', 'scrapped', 'withdraw', 'withdraws', 'withdrew', 'abandon', 'abandons', 'abandoned', 'collapse', 'collapses', 'collapsed', 'quit', 'quits', 'exit', 'exits', 'exited', 'expire', 'expires', 'expired', 'pull', 'pulls', 'pulled', 'drop', 'drops', 'dropped'], nouns: ['collapse', 'termination', 'cancellation', 'withdrawal'], setback: true },
};

/**
 * Families of actions a rewrite may use for one another ("reach a deal" / "clinch a deal" /
 * "finalise the deal"; "block" / "reject"): two reports whose actions share a family may
 * tell one event; actions of two families are two events. Actions not listed are their own family.
 */
export const FAMILIES: Record<string, string> = {
  agree: 'deal', sign: 'deal', complete: 'deal',
  approve: 'approve', ratify: 'approve', vote: 'approve', enter_force: 'approve',
  block: 'refuse', oppose: 'refuse',
  suspend: 'stop', terminate: 'stop',
  launch: 'start',
  sue: 'legal', rule: 'legal',
  propose: 'propose',
  meet: 'meet',
};

/** The family of an action (see FAMILIES); open-class actions ("~furlough") are their own. */
export function familyOf(action: string): string {
  return FAMILIES[action] ?? action;
}

/**
 * Verbs whose class depends on what they act on: "file a lawsuit" is suing, "file a plan"
 * proposing; "strike a deal" is agreeing, workers who strike walk out.
 */
type ObjectRule = { objects: RegExp; action: string; otherwise?: string };

/** Each rule under every inflection of its verb. */
function forms(verbs: string[], rule: ObjectRule): Record<string, ObjectRule> {
  return Object.fromEntries(verbs.map((v) => [v, rule]));
}

export const BY_OBJECT: Record<string, ObjectRule> = {
  ...forms(['file', 'files', 'filed'], { objects: /^(lawsuit|suit|appeal|complaint|charge|motion|petition|cross-appeal|case|claim)s?$/, action: 'sue' }),
  ...forms(['win', 'wins', 'won'], { objects: /^(appeal|case|lawsuit|suit|ruling|challenge|trial|injunction|dismissal)s?$/, action: 'rule' }),
  ...forms(['strike', 'strikes', 'struck'], { objects: /^(deal|agreement|accord|pact|bargain|compromise)s?$/, action: 'agree', otherwise: '~strike' }),
};

/** Words shortly before a verb that make it planned, hoped for or hypothetical. */
export const PLANNED_MARKERS = new Set([
  'could', 'would', 'will', 'may', 'might', 'should', 'shall', 'can', 'to', 'expected', 'expects', 'expect', 'set', 'plans', 'planned',
  'plan', 'planning', 'hopes', 'hoped', 'hope', 'ready', 'aims', 'aim', 'aiming', 'poised', 'due', 'preparing',
  'prepares', 'prepare', 'intends', 'intend', 'wants', 'want', 'seeks', 'seek', 'seeking', 'likely', 'soon',
  'going', 'about', 'scheduled', 'nearing', 'nears', 'near', 'close', 'closer', 'edge', 'edges', 'moving',
  'move', 'moves', 'push', 'pushes', 'pushing', 'calls', 'urge', 'urges', 'if', 'whether', 'once', 'until',
  'before', 'awaiting', 'pending', 'proposed', 'potential', 'possible', 'prospective', 'upcoming', 'planned',
  "won't", "'ll", 'shall', 'needs', 'need', 'must', 'ahead', 'recommend', 'recommends', 'recommended',
]);

/** Words shortly before a verb that deny it happened. */
export const NEGATION_MARKERS = new Set(['not', 'no', 'never', "didn't", "hasn't", "haven't", "won't", 'fails', 'failed', 'fail', 'without', 'refuses', 'refused', 'yet']);

/** Reporting verbs: they frame someone's words, not an event of their own. */
export const REPORTING_VERBS = new Set([
  'say', 'says', 'said', 'tell', 'tells', 'told', 'report', 'reports', 'reported', 'announce', 'announces',
  'announced', 'state', 'states', 'stated', 'write', 'writes', 'wrote', 'claim', 'claims', 'claimed', 'add',
  'adds', 'added', 'note', 'notes', 'noted', 'cite', 'cites', 'cited', 'citing',
]);

/** Verbs too general to name an event on their own ("takes", "shows", "has"). */
export const LIGHT_VERBS = new Set([
  'be', 'have', 'do', 'get', 'make', 'take', 'give', 'go', 'come', 'see', 'look', 'show', 'keep', 'put', 'let', 'become',
  'seem', 'remain', 'need', 'try', 'help', 'use', 'know', 'think', 'mean', 'face', 'include', 'involve', 'follow', 'lead',
  'leave', 'bring', 'hold', 'turn', 'find', 'begin', 'continue', 'expect', 'call', 'ask', 'move', 'set', 'plan', 'aim',
  'hope', 'seek', 'want', 'say', 'tell', 'speak', 'talk', 'await', 'base', 'accord', 'cite', 'mark', 'concern', 'relate', 'act',
]);

/**
 * Verbs of reaction: "Sony welcomes the regulator's move", "Trump touts the agreement".
 * A report led by one discusses an event; it is not one.
 */
export const REACTION_VERBS = new Set([
  'welcome', 'hail', 'praise', 'tout', 'applaud', 'celebrate', 'cheer', 'laud', 'slam', 'blast', 'decry', 'lament',
  'react', 'respond', 'reply', 'mourn', 'lash', 'rap', 'pan', 'salute', 'commend', 'congratulate', 'thank',
]);

/** Verbs that restate what is known: "Svyrydenko repeated that ..." is not a new event. */
export const RESTATEMENT_VERBS = new Set([
  'repeat', 'repeats', 'repeated', 'reiterate', 'reiterates', 'reiterated', 'reaffirm', 'reaffirms', 'reaffirmed',
  'restate', 'restates', 'restated', 'recall', 'recalls', 'recalled', 'insist', 'insists', 'insisted', 'stress',
  'stresses', 'stressed', 'remind', 'reminds', 'reminded', 'defend', 'defends', 'defended', 'recap', 'recaps',
]);
