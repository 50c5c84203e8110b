import type { Alert } from '../../src/domain/alert.js';

/** One development alert, as the pipeline builds it, for adapter tests. */
export function sampleAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'dev-1:a1', storyId: 'minerals-deal', storyName: 'US–Ukraine rare-earth minerals deal', headline: 'Rada ratifies minerals deal',
    whatIsNew: 'The Rada voted with 338 votes.', newFacts: ['vote: 338 votes'], sources: [{ name: 'Kyiv Wire', url: 'https://kyiv.example/a1' }],
    link: 'https://kyiv.example/a1', developmentId: 'dev-1', confidence: 0.9, reason: 'new vote', publishedAt: '2025-05-08T10:00:00Z',
    ...overrides,
  };
}
