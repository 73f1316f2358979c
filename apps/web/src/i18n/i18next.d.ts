import type en from "./en.json";

declare module "i18next" {
  /** Keys are checked against the English catalog; the unit test keeps Arabic in step. */
  interface CustomTypeOptions {
    defaultNS: "translation";
    resources: { translation: typeof en };
    returnNull: false;
  }
}
