/**
 * The demo city. Port Alder is fictional, but it borrows its geography (streets, coordinates, time
 * zone) from the San Francisco 311 sample that feeds its request history (see history.ts).
 */
export const demoCity = {
  id: 'portalder.example',
  name: 'City of Port Alder',
  timeZone: 'America/Los_Angeles',
  /**
   * The points in the sample run from 37.708 to 37.830 latitude and -122.513 to -122.370
   * longitude; these bounds hold all of them with a small margin, and nothing of the bay beyond.
   */
  bounds: { minLat: 37.7, minLong: -122.52, maxLat: 37.84, maxLong: -122.35 },
};
