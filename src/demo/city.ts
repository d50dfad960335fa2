// placeholder until the demo data lands; replaced by the demo data work
export const demoCity = {
  id: 'portalder.example',
  name: 'City of Port Alder',
  timeZone: 'America/Los_Angeles',
  bounds: { minLat: 37.7, minLong: -122.52, maxLat: 37.84, maxLong: -122.35 },
};
