export * from './provider.ts';
export { assertObjectKey } from './object-key.ts';
export {
  LOCAL_STORAGE_FOLDER,
  LocalDiskProvider,
  localStorageIn,
} from './local-provider.ts';
