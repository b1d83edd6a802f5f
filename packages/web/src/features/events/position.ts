/** The phone's position, if it gives one within a few seconds and it is in China; else nothing. */
export function here(): Promise<{ lng: number; lat: number } | undefined> {
  return new Promise((resolve) => {
    if (!navigator.geolocation) return resolve(undefined);
    navigator.geolocation.getCurrentPosition(
      ({ coords }) =>
        resolve(
          coords.longitude >= 73 && coords.longitude <= 136 && coords.latitude >= 3 && coords.latitude <= 54
            ? { lng: Math.round(coords.longitude * 1e6) / 1e6, lat: Math.round(coords.latitude * 1e6) / 1e6 }
            : undefined,
        ),
      () => resolve(undefined),
      { timeout: 5000, maximumAge: 60_000 },
    );
  });
}
