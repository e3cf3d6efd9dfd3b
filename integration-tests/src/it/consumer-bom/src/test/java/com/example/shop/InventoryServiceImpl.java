package com.example.shop;

import io.nexusrpc.handler.OperationHandler;
import io.nexusrpc.handler.OperationImpl;
import io.nexusrpc.handler.ServiceImpl;
import io.temporal.nexus.Nexus;

/** The inventory team's handler: no security code in it. */
@ServiceImpl(service = InventoryService.class)
public class InventoryServiceImpl {
  @OperationImpl
  public OperationHandler<String, String> reserve() {
    return OperationHandler.sync(
        (context, details, item) ->
            "reserved " + item + " in " + Nexus.getOperationContext().getInfo().getNamespace());
  }
}
