import { SimulatedService } from './SimulatedService';

/** The simulated remote systems the shop depends on, each switchable to slow or failing at run time. */
export interface Services {
  'product-db': SimulatedService;
  'partner-api': SimulatedService;
  'orders-db': SimulatedService;
  'payment-api': SimulatedService;
  recommendations: SimulatedService;
}

/** Names accepted by the simulation admin route. */
export type ServiceName = keyof Services;

/** Creates the simulated services with their normal latencies. */
export function createServices(): Services {
  return {
    'product-db': new SimulatedService('product-db', 3),
    'partner-api': new SimulatedService('partner-api', 20),
    'orders-db': new SimulatedService('orders-db', 3),
    'payment-api': new SimulatedService('payment-api', 30),
    recommendations: new SimulatedService('recommendations', 10),
  };
}
