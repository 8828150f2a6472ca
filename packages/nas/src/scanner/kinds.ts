/** What a NAS file is, recognised from its extension. */
export const NAS_FILE_KINDS = ['video', 'audio', 'image', 'subtitle', 'document', 'archive', 'other'] as const;

/** One of {@link NAS_FILE_KINDS}. */
export type NasFileKind = (typeof NAS_FILE_KINDS)[number];

const BY_EXTENSION: Record<string, NasFileKind> = {};
const add = (kind: NasFileKind, list: string) => {
  for (const ext of list.split(' ')) BY_EXTENSION[ext] = kind;
};
// Broadcast and camera formats are here too (mxf, r3d, braw): a poker-VOD NAS holds raw footage.
add('video', 'mp4 m4v mov mkv avi wmv flv webm mpg mpeg m2v ts mts m2ts mxf vob 3gp ogv r3d braw dv');
add('audio', 'mp3 wav aac m4a flac ogg opus wma aif aiff');
add('image', 'jpg jpeg png gif bmp tif tiff webp heic psd svg');
add('subtitle', 'srt vtt ass ssa sub idx');
add('document', 'pdf txt csv doc docx xls xlsx ppt pptx json xml md');
add('archive', 'zip rar 7z tar gz tgz bz2 xz');

/** The lower-case extension of a file name, without the dot ('' for none or a dot-file like `.DS_Store`). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return '';
  const extension = name.slice(dot + 1).toLowerCase();
  // The column holds 32 characters: a longer "extension" is just part of a long name.
  return extension.length > 32 ? '' : extension;
}

/** The kind of a file with this extension (lower-case, no dot). */
export function kindOfExtension(extension: string): NasFileKind {
  return BY_EXTENSION[extension] ?? 'other';
}
