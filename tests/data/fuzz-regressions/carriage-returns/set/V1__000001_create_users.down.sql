DR it OP TABLE users;
