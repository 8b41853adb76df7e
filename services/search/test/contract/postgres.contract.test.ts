import { describeSearchContract } from './search-contract.js';

describeSearchContract('postgres', () => ({ SEARCH_ENGINE: 'postgres' }));
