/** The phone's position, if it gives one within a few seconds; else nothing (the visits screens work without). */
export function here(): Promise<{ lng: number; lat: number } | undefined> {
  return new Promise((resolve) => {
    if (!navigator.geolocation) return resolve(undefined);
    navigator.geolocation.getCurrentPosition(
      ({ coords }) =>
        resolve({ lng: Math.round(coords.longitude * 1e6) / 1e6, lat: Math.round(coords.latitude * 1e6) / 1e6 }),
      () => resolve(undefined),
      { timeout: 5000, maximumAge: 60_000 },
    );
  });
}
