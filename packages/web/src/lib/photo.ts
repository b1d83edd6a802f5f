/**
 * A photo from the phone's camera, made small on the phone before it is kept or sent: at most 1600 px
 * on its longer side, JPEG at quality 0.8 (a 4 MB camera picture becomes ~200–400 KB). Drawing it on a
 * canvas also leaves its EXIF behind — the phone's position and model do not travel with it.
 */
export const PHOTO_MAX_SIDE = 1600;

export interface Photo {
  bytes: ArrayBuffer;
  fileName: string;
  /** For the thumbnail on screen; revoke when done. */
  previewUrl: string;
}

export async function compressPhoto(file: Blob, maxSide = PHOTO_MAX_SIDE, quality = 0.8): Promise<Photo> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d");
  if (!context) throw new Error("no 2D canvas");
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const blob = await new Promise<Blob>((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("the photo could not be encoded"))), "image/jpeg", quality),
  );
  const stamp = new Date().toISOString().replace(/[-:]/g, "").slice(0, 15);
  return { bytes: await blob.arrayBuffer(), fileName: `photo-${stamp}.jpg`, previewUrl: URL.createObjectURL(blob) };
}
