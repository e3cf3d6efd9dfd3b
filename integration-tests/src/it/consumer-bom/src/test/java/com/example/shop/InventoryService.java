package com.example.shop;

import io.nexusrpc.Operation;
import io.nexusrpc.Service;

/** The inventory team's Nexus service. */
@Service
public interface InventoryService {
  @Operation
  String reserve(String item);
}
