import { create } from 'zustand';

/** Where the person is in the app. */
export type Route =
  | { screen: 'start' }
  | { screen: 'contacts' }
  | { screen: 'contact'; contactId: number }
  | { screen: 'import' }
  | { screen: 'compose' }
  | { screen: 'campaigns' }
  | { screen: 'campaign'; batch: number }
  | { screen: 'forms' }
  | { screen: 'paper'; serial?: string }
  | { screen: 'replies' }
  | { screen: 'health' }
  | { screen: 'settings' };

interface AppState {
  route: Route;
  go: (route: Route) => void;
}

/** Navigation: a tiny state router (one window, a handful of screens). */
export const useAppStore = create<AppState>((set) => ({
  route: { screen: 'contacts' },
  go: (route) => set({ route }),
}));
